// Idempotency-Key for the API's mutating calls (committed decisions, message intake): the first
// answer is kept under the brand's key with a hash of the request; a retry with the same request
// gets that answer again, the same key with another request is a conflict.
import crypto from "node:crypto";
import type { Tx } from "~/db/client.server";
import { errors } from "~/lib/api/errors";

export type Idempotency = { key: string; requestHash: string };
export type StoredAnswer = { requestHash: string; status: number; body: string };

export function requestHash(method: string, path: string, body: string): string {
  return crypto.createHash("sha256").update(`${method} ${path}\n${body}`).digest("hex");
}

export function findStoredAnswer(db: Tx, brandId: string, key: string): Promise<StoredAnswer | null> {
  return db.idempotencyRecord.findUnique({
    where: { brandId_key: { brandId, key } },
    select: { requestHash: true, status: true, body: true },
  });
}

/** The stored answer to replay, or a conflict when the key came with another request. */
export function replayOf(previous: StoredAnswer, idempotency: Idempotency) {
  if (previous.requestHash !== idempotency.requestHash) {
    throw errors.conflict("This Idempotency-Key was already used with a different request");
  }
  return { replay: { status: previous.status, body: previous.body } };
}
