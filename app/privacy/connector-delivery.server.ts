// Telling one connector about one erasure: a JSON POST signed by the Standard Webhooks scheme,
// whose webhook-id is the dispatch's id on every attempt (so the receiver can de-duplicate
// retries). A 2xx acknowledges; anything else (another status, a network error, no answer in
// 10 s) is tried again later with exponential backoff and jitter, for as long as it takes,
// honouring Retry-After. Nothing the connector says is kept beyond 200 characters, and the
// person's identifiers are blanked out of it.
import { transact } from "~/db/changes.server";
import type { Db } from "~/db/client.server";
import { open } from "~/lib/encryption.server";
import { log } from "~/lib/log.server";
import { sign } from "~/lib/standard-webhooks.server";
import { openConnectorSecret } from "~/models/connector.server";
import { retryDelay } from "~/scheduler/backoff";
import { completeIfDone, IDENTIFIERS_PURPOSE, type ErasureIdentifiers } from "./erasure.server";

export const ERASURE_EVENT = "customer.erasure_requested";
const TIMEOUT_MS = 10_000;
/** A receiver asking for more than a day is not allowed to push its turn past the deadline. */
const MAX_RETRY_AFTER_MS = 24 * 3_600_000;
/** What is kept of a connector's answer body. */
const SNIPPET = 200;

export type DeliveryOptions = {
  /** Replaces global fetch (tests). */
  fetch?: typeof fetch;
  /** In [0, 1): the backoff's jitter. */
  random?: () => number;
  timeoutMs?: number;
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
  let failure: { status: number | null; error: string; retryAfterMs?: number };
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
    const headers = sign(openConnectorSecret(secret, connector.secretCiphertext), dispatch.id, now, body);
    failure = await post(connector.url, body, headers, now, options);
  } catch (error) {
    // Sealing or configuration: not the connector's fault, but retried all the same (the
    // operator may fix MESURE_SECRET), and logged since nobody else will see it.
    log.error(`erasure dispatch ${dispatch.id}: ${(error as Error).message}`);
    failure = { status: null, error: `Mesure could not prepare the call: ${(error as Error).message}` };
  }

  if (failure.status !== null && failure.status >= 200 && failure.status < 300) {
    await transact(db, async (tx) => {
      // Lock the request first: two last dispatches acknowledged at once then take turns,
      // and the second sees the first and completes the request.
      await tx.erasureRequest.updateMany({
        where: { id: dispatch.requestId, status: "propagating" },
        data: { leaseUntil: null },
      });
      await tx.erasureDispatch.update({
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
      await completeIfDone(tx, dispatch.requestId, now);
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
      lastError: shorten(redact(failure.error, identifiers), SNIPPET + 20),
      nextAttemptAt: new Date(now.getTime() + delay),
      leaseUntil: null,
    },
    select: { id: true },
  });
  return "retry";
}

/** One POST; the connector's status (null when unreachable), what went wrong, and Retry-After. */
async function post(
  url: string,
  body: string,
  headers: Record<string, string>,
  now: Date,
  options: DeliveryOptions,
): Promise<{ status: number | null; error: string; retryAfterMs?: number }> {
  const timeoutMs = options.timeoutMs ?? TIMEOUT_MS;
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "User-Agent": "Mesure-Erasure/1", ...headers },
      body,
      // A redirect is not followed: personal data goes only to the URL the operator configured.
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    return { status: null, error: networkError(error as Error, timeoutMs) };
  }
  if (response.status >= 200 && response.status < 300) {
    await response.body?.cancel().catch(() => {});
    return { status: response.status, error: "" };
  }
  const snippet = await readSnippet(response);
  const reason = response.status >= 300 && response.status < 400 ? " (redirects are not followed)" : "";
  return {
    status: response.status,
    error: `HTTP ${response.status}${reason}${snippet ? `: ${snippet}` : ""}`,
    retryAfterMs: retryAfter(response.headers.get("retry-after"), now),
  };
}

function networkError(error: Error, timeoutMs: number): string {
  if (error.name === "TimeoutError" || error.name === "AbortError") return `no answer within ${timeoutMs / 1000} s`;
  const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message;
  return `could not reach the connector: ${detail ? `${error.message} (${detail})` : error.message}`;
}

/** The first characters of an answer's body, on one line (cut short later); the rest is not read. */
async function readSnippet(response: Response): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < SNIPPET * 4) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } catch {
    // A body cut short says nothing more useful than its status.
  } finally {
    await reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks).toString("utf8").replace(/\s+/g, " ").trim();
}

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** Retry-After as seconds or an HTTP date, in milliseconds from now, at most a day. */
export function retryAfter(value: string | null, now: Date): number | undefined {
  if (!value) return undefined;
  const text = value.trim();
  const ms = /^\d+$/.test(text) ? Number(text) * 1000 : Date.parse(text) - now.getTime();
  if (!Number.isFinite(ms) || ms < 0) return undefined;
  return Math.min(ms, MAX_RETRY_AFTER_MS);
}

/** Blanks the person's identifiers out of what a connector said (it may echo them back). */
function redact(text: string, identifiers: ErasureIdentifiers | null): string {
  let result = text;
  const values = [
    identifiers?.email,
    identifiers?.phone,
    identifiers?.phone?.replace(/^\+/, ""),
    identifiers?.externalId,
  ];
  for (const value of values.flatMap((value) => (value ? [value, encodeURIComponent(value)] : []))) {
    result = result.replace(new RegExp(value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "gi"), "[redacted]");
  }
  return result;
}
