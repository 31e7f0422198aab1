// Telling one connector about one erasure: a JSON POST signed by the Standard Webhooks scheme,
// whose webhook-id is the dispatch's id on every attempt (so the receiver can de-duplicate
// retries). A 2xx acknowledges; anything else (another status, a network error, no answer in
// 10 s) is tried again later with exponential backoff and jitter, for as long as it takes,
// honouring Retry-After. Nothing the connector says is kept beyond 200 characters, and the
// person's identifiers are blanked out of it.
import type { Db } from "~/db/client.server";
import { open } from "~/lib/encryption.server";
import { log } from "~/lib/log.server";
import { openConnectorSecret } from "~/models/connector.server";
import { retryDelay } from "~/scheduler/backoff";
import {
  acknowledged,
  postSigned,
  redact,
  shorten,
  SNIPPET,
  type PostOutcome,
  type SignedPostOptions,
} from "~/webhooks/signed-post.server";
import { IDENTIFIERS_PURPOSE, type ErasureIdentifiers } from "./erasure.server";

export { retryAfter } from "~/webhooks/signed-post.server";

export const ERASURE_EVENT = "customer.erasure_requested";

export type DeliveryOptions = SignedPostOptions & {
  /** In [0, 1): the backoff's jitter. */
  random?: () => number;
};

export type DeliveryOutcome = "acknowledged" | "retry" | "held" | "gone";

/** The body a connector receives. */
export function erasureWebhookBody(input: {
  requestId: string;
  brand: string;
  customer: ErasureIdentifiers;
  requestedAt: Date;
  deadlineAt: Date;
  now: Date;
}): string {
  return JSON.stringify({
    type: ERASURE_EVENT,
    timestamp: input.now.toISOString(),
    data: {
      requestId: input.requestId,
      brand: input.brand,
      customer: { externalId: input.customer.externalId, email: input.customer.email, phone: input.customer.phone },
      requestedAt: input.requestedAt.toISOString(),
      deadlineAt: input.deadlineAt.toISOString(),
    },
  });
}

/**
 * Makes one attempt at a dispatch the caller has leased. "held" when its connector is gone or
 * switched off (nothing attempted), "gone" when it is no longer pending.
 */
export async function deliverDispatch(
  db: Db,
  secret: string,
  dispatchId: string,
  now: Date,
  options: DeliveryOptions = {},
): Promise<DeliveryOutcome> {
  const dispatch = await db.erasureDispatch.findUnique({
    where: { id: dispatchId },
    select: {
      id: true,
      status: true,
      attempts: true,
      requestId: true,
      connector: { select: { url: true, secretCiphertext: true, enabled: true } },
      request: {
        select: {
          brandId: true,
          identifiers: true,
          requestedAt: true,
          deadlineAt: true,
          brand: { select: { slug: true } },
        },
      },
    },
  });
  if (!dispatch || dispatch.status !== "pending") return "gone";
  if (!dispatch.connector?.enabled) {
    await db.erasureDispatch.updateMany({ where: { id: dispatchId, status: "pending" }, data: { leaseUntil: null } });
    return "held";
  }
  const { connector, request } = dispatch;
  const attempts = dispatch.attempts + 1;
  let identifiers: ErasureIdentifiers | null = null;
  let failure: PostOutcome;
  try {
    if (!request.identifiers) throw new Error("the request's identifiers are missing");
    identifiers = JSON.parse(open(secret, IDENTIFIERS_PURPOSE, request.identifiers)) as ErasureIdentifiers;
    const body = erasureWebhookBody({
      requestId: dispatch.requestId,
      brand: request.brand.slug,
      customer: identifiers,
      requestedAt: request.requestedAt,
      deadlineAt: request.deadlineAt,
      now,
    });
    failure = await postSigned(
      {
        url: connector.url,
        secret: openConnectorSecret(secret, connector.secretCiphertext),
        id: dispatch.id,
        body,
        now,
        userAgent: "Mesure-Erasure/1",
        receiver: "connector",
      },
      options,
    );
  } catch (error) {
    // Sealing or configuration: not the connector's fault, but retried all the same (the
    // operator may fix MESURE_SECRET), and logged since nobody else will see it.
    log.error(`erasure dispatch ${dispatch.id}: ${(error as Error).message}`);
    failure = { status: null, error: `Mesure could not prepare the call: ${(error as Error).message}` };
  }

  if (acknowledged(failure)) {
    // The request is completed by the jobs once none is pending and the file is scrubbed
    // (completeFinished in jobs.server.ts), in the same round.
    await db.erasureDispatch.update({
      where: { id: dispatch.id },
      data: {
        status: "acknowledged",
        attempts,
        lastAttemptAt: now,
        lastStatus: failure.status,
        lastError: null,
        acknowledgedAt: now,
        leaseUntil: null,
      },
      select: { id: true },
    });
    return "acknowledged";
  }
  const delay = retryDelay(attempts, (options.random ?? Math.random)(), failure.retryAfterMs);
  await db.erasureDispatch.update({
    where: { id: dispatch.id },
    data: {
      attempts,
      lastAttemptAt: now,
      lastStatus: failure.status,
      // Blanked out before cut short, so a cut cannot leave half an address behind.
      lastError: shorten(redactIdentifiers(failure.error, identifiers), SNIPPET + 20),
      nextAttemptAt: new Date(now.getTime() + delay),
      leaseUntil: null,
    },
    select: { id: true },
  });
  return "retry";
}

/** Blanks the person's identifiers out of what a connector said (it may echo them back). */
function redactIdentifiers(text: string, identifiers: ErasureIdentifiers | null): string {
  return redact(text, [
    identifiers?.email,
    identifiers?.phone,
    identifiers?.phone?.replace(/^\+/, ""),
    identifiers?.externalId,
  ]);
}
