// What every /api/v1 Remix resource route does around its own work: authenticate the key
// (through the same cached snapshot the decision endpoints use), limit the rate, read a JSON
// body, and turn any failure into the API's error shape, never a stack trace.
import type { AppLoadContext } from "@remix-run/node";
import { z } from "zod";
import { toApiError } from "~/http/decisions.server";
import { RateLimiter } from "~/lib/rate-limit";
import { ApiError, errors, validationError } from "./errors";
import { parseJsonBody } from "./parse-json";
import { readBodyText } from "./request-body.server";

// The decision endpoints have their own, higher rate (API_RATE_LIMIT): these routes write.
const perKey = new RateLimiter(2_000, 2_000);

export type ApiCall = { brandId: string; keyId: string };

export async function apiRoute(
  request: Request,
  context: AppLoadContext,
  methods: string[],
  handle: (call: ApiCall) => Promise<Response>,
): Promise<Response> {
  try {
    if (!methods.includes(request.method)) {
      throw new ApiError(
        405,
        "method_not_allowed",
        `Use ${methods.join(" or ")}`,
        [{ path: "(method)", message: `must be ${methods.join(" or ")}` }],
        {
          Allow: methods.join(", "),
        },
      );
    }
    const failedAuth = context.services.limits.apiFailedAuthPerIp;
    const address = context.clientIp;
    if (failedAuth.exhausted(address)) throw errors.rateLimited(60);
    const presented = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get("authorization") ?? "")?.[1];
    const key = presented ? await context.services.store.authenticate(presented) : null;
    if (!key) {
      failedAuth.take(address);
      throw errors.unauthorized();
    }
    const allowed = perKey.take(key.keyId);
    if (!allowed.ok) throw errors.rateLimited(allowed.retryAfter);
    return await handle(key);
  } catch (error) {
    const apiError = toApiError(error);
    return Response.json(apiError.body, {
      status: apiError.status,
      headers: { ...apiError.headers, "Cache-Control": "no-store" },
    });
  }
}

/** The request's JSON body, validated by `schema`. */
export async function jsonBody<T extends z.ZodType>(request: Request, schema: T): Promise<z.infer<T>> {
  const { value } = await jsonBodyText(request);
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw validationError(parsed.error);
  return parsed.data;
}

/** The request's body as text (for idempotency hashes) and as parsed JSON, not yet validated. */
export async function jsonBodyText(request: Request, limit = 256 * 1024): Promise<{ text: string; value: unknown }> {
  if ((request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase() !== "application/json") {
    throw new ApiError(415, "unsupported_media_type", "Send the body as JSON with Content-Type: application/json", [
      { path: "Content-Type", message: "must be application/json" },
    ]);
  }
  const text = await readBodyText(request, limit);
  return { text, value: parseJsonBody(text) };
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** The request's Idempotency-Key with the hash of what it asks, or undefined without one. */
export function idempotencyOf(request: Request, requestHash: string): { key: string; requestHash: string } | undefined {
  const key = request.headers.get("idempotency-key");
  if (key === null) return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new ApiError(400, "invalid_request", "Idempotency-Key must be 1 to 255 printable characters", [
      { path: "Idempotency-Key", message: "must be 1 to 255 printable ASCII characters" },
    ]);
  }
  return { key, requestHash };
}

export const ExternalIdParam = z.string().min(1).max(200);

export function json(body: unknown, status = 200): Response {
  return Response.json(body, { status, headers: { "Cache-Control": "no-store" } });
}
