// One signed call to a brand's system (an erasure connector or a webhook endpoint): a JSON POST
// with the Standard Webhooks headers, a timeout, no redirect followed, and what went wrong told
// in one short line (a status, at most 200 characters of the answer, Retry-After) so the caller
// can record it and decide when to try again. The URL is the brand's choice: the call goes
// through outboundFetch, which will not reach a private address.
import { outboundFetch, refusedAddressOf } from "~/lib/outbound.server";
import { sign } from "~/lib/standard-webhooks.server";

const TIMEOUT_MS = 10_000;
/** A receiver asking for more than a day is not allowed to push its turn further. */
const MAX_RETRY_AFTER_MS = 24 * 3_600_000;
/** What is kept of a receiver's answer body. */
export const SNIPPET = 200;

export type SignedPostOptions = {
  /** Replaces outboundFetch (tests). */
  fetch?: typeof fetch;
  timeoutMs?: number;
};

export type SignedCall = {
  url: string;
  /** The signing secret ("whsec_…"), in clear. */
  secret: string;
  /** The webhook-id header: the same on every attempt, so the receiver can de-duplicate. */
  id: string;
  body: string;
  now: Date;
  userAgent: string;
  /** How the receiver is named in an error ("could not reach the connector"). */
  receiver: string;
};

/** What the receiver said: its status (null when unreachable), what went wrong ("" on 2xx) and Retry-After. */
export type PostOutcome = { status: number | null; error: string; retryAfterMs?: number };

export function acknowledged(outcome: PostOutcome): boolean {
  return outcome.status !== null && outcome.status >= 200 && outcome.status < 300;
}

/** Signs `body` and POSTs it once. Never throws for the receiver's faults: they come back as an outcome. */
export async function postSigned(call: SignedCall, options: SignedPostOptions = {}): Promise<PostOutcome> {
  const timeoutMs = options.timeoutMs ?? TIMEOUT_MS;
  const headers = sign(call.secret, call.id, call.now, call.body);
  let response: Response;
  try {
    response = await (options.fetch ?? outboundFetch)(call.url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "User-Agent": call.userAgent, ...headers },
      body: call.body,
      // A redirect is not followed: what Mesure sends goes only to the URL the brand configured.
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    return { status: null, error: networkError(error as Error, timeoutMs, call.receiver) };
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
    retryAfterMs: retryAfter(response.headers.get("retry-after"), call.now),
  };
}

function networkError(error: Error, timeoutMs: number, receiver: string): string {
  if (error.name === "TimeoutError" || error.name === "AbortError") return `no answer within ${timeoutMs / 1000} s`;
  const refused = refusedAddressOf(error);
  if (refused) return `the ${receiver}'s address is refused: ${refused.message}`;
  const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message;
  return `could not reach the ${receiver}: ${detail ? `${error.message} (${detail})` : error.message}`;
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

export function shorten(text: string, max: number): string {
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

/** Blanks `values` (and their URL-encoded forms) out of what a receiver said: it may echo them back. */
export function redact(text: string, values: (string | null | undefined)[]): string {
  let result = text;
  for (const value of values.flatMap((value) => (value ? [value, encodeURIComponent(value)] : []))) {
    result = result.replace(new RegExp(value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "gi"), "[redacted]");
  }
  return result;
}
