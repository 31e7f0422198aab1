// The address a request comes from, as rate limits count it. By default the connection's own
// peer: a header the client writes itself must not choose its bucket, or one script could spread
// its attempts over as many addresses as it likes. Behind reverse proxies (TRUSTED_PROXIES=N),
// each proxy appends the address it was reached from to X-Forwarded-For, so the client is the
// entry N places from the right of [X-Forwarded-For…, peer]: what lies further left was written
// by the client and is ignored, like Express's numeric "trust proxy".
import type { IncomingMessage } from "node:http";

export function clientAddress(req: IncomingMessage, trustedProxies: number): string {
  const peer = req.socket.remoteAddress ?? "unknown";
  if (trustedProxies <= 0) return peer;
  const header = req.headers["x-forwarded-for"];
  const forwarded = (Array.isArray(header) ? header.join(",") : (header ?? ""))
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  const chain = [...forwarded, peer];
  return chain[Math.max(0, chain.length - 1 - trustedProxies)]!;
}
