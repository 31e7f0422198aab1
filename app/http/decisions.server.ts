// POST /api/v1/decisions and /api/v1/decisions/batch, answered by the node:http layer itself:
// this is the hot path (one call per message a brand sends), so it skips Express and Remix,
// and with a warm snapshot makes no database read. It shares the zod schemas and the policy
// engine with everything else.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { DecisionService } from "~/decisions/service.server";
import { batchItem, requestHash, single } from "~/decisions/service.server";
import type { SnapshotStore } from "~/decisions/snapshot.server";
import { ApiError, errors, validationError } from "~/lib/api/errors";
import { BatchRequest, DecisionRequest } from "~/lib/api/schemas";
import { log } from "~/lib/log.server";
import type { RateLimiter } from "~/lib/rate-limit";
import { readJsonBody } from "./json-body.server";

export const DECISIONS_PATH = "/api/v1/decisions";
export const BATCH_PATH = "/api/v1/decisions/batch";

export type ApiLimits = {
  perKey: RateLimiter;
  failedAuthPerIp: RateLimiter;
  /** Where a request comes from, for the failed-authentication limit (app/http/client-address.ts). */
  addressOf: (req: IncomingMessage) => string;
};

export function sendJson(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(body),
    "Cache-Control": "no-store",
    ...headers,
  });
  res.end(body);
}

export function sendError(res: ServerResponse, error: ApiError): void {
  sendJson(res, error.status, JSON.stringify(error.body), error.headers);
}

/** Turns anything thrown into an API error: ours as they are, a database outage as 503. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (
    /ECONNREFUSED|ETIMEDOUT|Connection terminated|database .* does not exist|SQLITE_BUSY|Operation has timed out|Transaction API error|Unable to start a transaction/i.test(
      message,
    )
  ) {
    return errors.unavailable();
  }
  log.error(`unexpected error in the API: ${error instanceof Error ? (error.stack ?? message) : message}`);
  return new ApiError(500, "internal", "Something went wrong on our side; it has been logged");
}

export function bearer(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match ? match[1]! : null;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

export function createDecisionHandler(service: DecisionService, store: SnapshotStore, limits: ApiLimits) {
  const { perKey, failedAuthPerIp: failedAuth, addressOf } = limits;

  /** The brand of a valid key, or an error; refusals are counted per address. */
  async function authenticate(req: IncomingMessage): Promise<{ brandId: string; keyId: string }> {
    const ip = addressOf(req);
    if (failedAuth.exhausted(ip)) throw errors.rateLimited(60);
    const presented = bearer(req.headers.authorization);
    const key = presented ? await store.authenticate(presented) : null;
    if (!key) {
      failedAuth.take(ip);
      throw errors.unauthorized();
    }
    const allowed = perKey.take(key.keyId);
    if (!allowed.ok) throw errors.rateLimited(allowed.retryAfter);
    return key;
  }

  return async function handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    try {
      if (req.method !== "POST") {
        throw new ApiError(405, "method_not_allowed", "Use POST", [{ path: "(method)", message: "must be POST" }], {
          Allow: "POST",
        });
      }
      const key = await authenticate(req);
      const batch = path === BATCH_PATH;
      const { text, value } = await readJsonBody(req, batch ? 4 * 1024 * 1024 : 64 * 1024);

      const header = req.headers["idempotency-key"];
      const idempotencyKey = Array.isArray(header) ? header[0] : header;
      if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
        throw new ApiError(400, "invalid_request", "Idempotency-Key must be 1 to 255 printable characters", [
          { path: "Idempotency-Key", message: "must be 1 to 255 printable ASCII characters" },
        ]);
      }
      const idempotency = idempotencyKey
        ? { key: idempotencyKey, requestHash: requestHash("POST", path, text) }
        : undefined;
      const now = Date.now();

      if (!batch) {
        const parsed = DecisionRequest.safeParse(value);
        if (!parsed.success) throw validationError(parsed.error);
        const result = await service.decideAll(key.brandId, [parsed.data], now, { shape: "single", idempotency });
        if ("replay" in result)
          return sendJson(res, result.replay.status, result.replay.body, { "Idempotent-Replayed": "true" });
        const outcome = result[0]!;
        return sendJson(res, outcome.ok ? 200 : outcome.error.status, JSON.stringify(single(outcome)));
      }

      const envelope = BatchRequest.safeParse(value);
      if (!envelope.success) throw validationError(envelope.error);
      // Each item is checked on its own: one bad item is answered in its place, the rest decided.
      const items = envelope.data.items.map((item, index) => {
        const parsed = DecisionRequest.safeParse(item);
        return parsed.success ? parsed.data : validationError(parsed.error, ["items", index]);
      });
      const result = await service.decideAll(key.brandId, items, now, { shape: "batch", idempotency });
      if ("replay" in result) {
        return sendJson(res, result.replay.status, result.replay.body, { "Idempotent-Replayed": "true" });
      }
      return sendJson(res, 200, JSON.stringify({ results: result.map(batchItem) }));
    } catch (error) {
      if (!res.headersSent) sendError(res, toApiError(error));
    }
  };
}
