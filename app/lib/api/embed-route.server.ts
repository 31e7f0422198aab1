// What the public embed endpoints (/embed/v1/*, called by the banner script from brands' sites)
// do around their work: a rate limit per client address, CORS for the brand's own sites only,
// a small body read as JSON whatever its declared type, and the API's error shape.
import type { AppLoadContext } from "@remix-run/node";
import { toApiError } from "~/http/decisions.server";
import type { EmbedBrand } from "~/models/brand.server";
import { ApiError, errors } from "./errors";
import { parseJsonBody } from "./parse-json";
import { readBodyText } from "./request-body.server";

/** A choice is a few hundred bytes; anything near this is not the banner talking. */
export const EMBED_BODY_LIMIT = 8 * 1024;

export type EmbedCors = {
  /** Lets the request's Origin read the answer if it may call for `brand`; 403 otherwise. */
  allow(brand: EmbedBrand): void;
};

function ownOrigins(request: Request, context: AppLoadContext): string[] {
  const origins = [new URL(context.services.publicUrl).origin];
  // A page of Mesure's own, reached by another name than PUBLIC_URL, is still same-origin.
  const host = request.headers.get("host");
  if (host) origins.push(`http://${host}`, `https://${host}`);
  return origins;
}

export async function embedRoute(
  request: Request,
  context: AppLoadContext,
  methods: string[],
  handle: (cors: EmbedCors) => Promise<Response>,
): Promise<Response> {
  const origin = request.headers.get("origin");
  let allowedOrigin: string | null = null;
  const cors: EmbedCors = {
    allow(brand) {
      // No Origin: not a browser's cross-origin call (a server, a test, a same-origin GET).
      // Answering it is safe: a choice only ever concerns the visitor id the caller sent, and the
      // configuration is public; the Origin check exists to keep other sites' pages from
      // reading or writing a brand's visitors through their browsers.
      if (origin === null) return;
      if (brand.embedOrigins.includes(origin) || ownOrigins(request, context).includes(origin)) {
        allowedOrigin = origin;
        return;
      }
      throw new ApiError(403, "forbidden_origin", `${origin} is not one of this brand's sites`, [
        { path: "Origin", message: "is not in the brand's embed origins (mesure brand set --embed-origin)" },
      ]);
    },
  };
  let response: Response;
  try {
    if (request.method === "OPTIONS") return preflight(origin);
    if (!methods.includes(request.method)) {
      throw new ApiError(405, "method_not_allowed", `Use ${methods.join(" or ")}`, [
        { path: "(method)", message: `must be ${methods.join(" or ")}` },
      ]);
    }
    const allowed = context.services.limits.embedPerIp.take(context.clientIp);
    if (!allowed.ok) throw errors.rateLimited(allowed.retryAfter);
    response = await handle(cors);
  } catch (error) {
    const apiError = toApiError(error);
    const headers: Record<string, string> = { ...apiError.headers, "Cache-Control": "no-store" };
    if (apiError.status === 405) headers.Allow = [...methods, "OPTIONS"].join(", ");
    response = Response.json(apiError.body, { status: apiError.status, headers });
  }
  response.headers.set("Vary", "Origin");
  if (allowedOrigin) response.headers.set("Access-Control-Allow-Origin", allowedOrigin);
  return response;
}

/**
 * Preflight for a JSON POST. It carries no body, hence no brand to check the Origin against; the
 * request that follows is checked and refused (403, unreadable) if its Origin is not allowed, so
 * approving the preflight grants nothing by itself.
 */
function preflight(origin: string | null): Response {
  const headers = new Headers({
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type",
    "Access-Control-Max-Age": "86400",
    "Cache-Control": "no-store",
    Vary: "Origin",
  });
  if (origin) headers.set("Access-Control-Allow-Origin", origin);
  return new Response(null, { status: 204, headers });
}

/**
 * The request's body as JSON. The banner sends it as text/plain, which makes the call a CORS
 * "simple request" (no preflight round trip); application/json is accepted too. Read with a
 * limit, so a large body is refused without being held in memory.
 */
export async function embedJsonBody(request: Request): Promise<unknown> {
  const type = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "text/plain" && type !== "application/json") {
    throw new ApiError(
      415,
      "unsupported_media_type",
      "Send the body as JSON (Content-Type: text/plain or application/json)",
      [{ path: "Content-Type", message: "must be text/plain or application/json" }],
    );
  }
  const text = await readBodyText(request, EMBED_BODY_LIMIT);
  return parseJsonBody(text);
}
