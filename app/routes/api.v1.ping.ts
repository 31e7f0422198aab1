// GET /api/v1/ping: a constant answer through Remix, for uptime checks and as the benchmark's
// measure of what Remix's request handling alone costs.
export function loader() {
  return Response.json({ ok: true, service: "mesure" }, { headers: { "Cache-Control": "no-store" } });
}
