// What every /api/v1 Remix resource route does around its own work: authenticate the key
// (through the same cached snapshot the decision endpoints use), limit the rate, read a JSON
// body, and turn any failure into the API's error shape, never a stack trace.
import type { AppLoadContext } from "@remix-run/node";
import { z } from "zod";
import { toApiError } from "~/http/decisions.server";
import { RateLimiter } from "~/lib/rate-limit";
import { ApiError, errors, validationError } from "./errors";

const failedAuth = new RateLimiter(30 / 60, 30);
const perKey = new RateLimiter(2_000, 2_000);

export type ApiCall = { brandId: string; keyId: string };

function clientAddress(request: Request): string {
  return request.headers.get("x-forwarded-for")?.split(",")[0]?.trim() || "local";
}

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
    const address = clientAddress(request);
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
  if ((request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase() !== "application/json") {
    throw new ApiError(415, "unsupported_media_type", "Send the body as JSON with Content-Type: application/json", [
      { path: "Content-Type", message: "must be application/json" },
    ]);
  }
  const text = await request.text();
  if (text.length > 256 * 1024) throw new ApiError(413, "payload_too_large", "The body is larger than 256 KB");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ApiError(400, "invalid_json", `The body is not valid JSON: ${(error as Error).message}`, [
      { path: "(body)", message: "is not valid JSON" },
    ]);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw validationError(parsed.error);
  return parsed.data;
}

export const ExternalIdParam = z.string().min(1).max(200);

export function json(body: unknown, status = 200): Response {
  return Response.json(body, { status, headers: { "Cache-Control": "no-store" } });
}
