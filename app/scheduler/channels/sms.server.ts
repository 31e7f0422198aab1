// The SMS channel: hands each message to Twilio's Messages API (POST .../Messages.json) and
// turns Twilio's answer into what the worker needs to know: sent, try again later, or never
// (and whether the number must go on the suppression list).
import { z } from "zod";
import { withdrawn, type ChannelAdapter, type ChannelJob, type SendResult, type ShortContent } from "./types";

export type TwilioSmsConfig = {
  accountSid: string;
  authToken: string;
  /** An E.164 number, or a Messaging Service SID (MG…), which lets Twilio pick the sender. */
  from: string;
  /** Default https://api.twilio.com; tests point it at a local server. */
  apiUrl?: string;
  /** How long one request may take, answer included. */
  timeoutMs?: number;
};

/** Twilio refuses a longer Body (error 21617). */
export const SMS_MAX_LENGTH = 1600;
const TITLE_MAX_LENGTH = 200;

const TwilioMessage = z.object({ sid: z.string().min(1), status: z.string().optional() });
const TwilioError = z.object({
  code: z.number().int().nullish(),
  message: z.string().nullish(),
  more_info: z.string().nullish(),
  status: z.number().int().nullish(),
});
type TwilioError = z.infer<typeof TwilioError>;

// Twilio error codes that mean this number will never take an SMS from us, checked against
// https://www.twilio.com/docs/api/errors: 21610, the recipient replied STOP (Twilio blocks
// every later message to them from this sender); 21211, not a valid phone number; 21614, not
// a mobile number; 21635, a landline.
const suppressFor: Record<number, "sms_stop" | "hard_bounce"> = {
  21610: "sms_stop",
  21211: "hard_bounce",
  21614: "hard_bounce",
  21635: "hard_bounce",
};
// 21612 (this To/From combination cannot be routed: sender-ID rules, no carrier connectivity)
// and 21408 (the account is not permitted to send to that country) are permanent as things
// stand, but they are about our sender and account, not the person's number: fixing the
// Twilio configuration makes the number reachable again, so it must not be suppressed.

export class TwilioSmsAdapter implements ChannelAdapter {
  readonly channel = "sms" as const;
  private readonly endpoint: string;
  private readonly authorization: string;
  private readonly inFlight = new Set<Promise<SendResult>>();
  private closed = false;

  constructor(private readonly config: TwilioSmsConfig) {
    const apiUrl = (config.apiUrl ?? "https://api.twilio.com").replace(/\/+$/, "");
    this.endpoint = `${apiUrl}/2010-04-01/Accounts/${encodeURIComponent(config.accountSid)}/Messages.json`;
    this.authorization = `Basic ${Buffer.from(`${config.accountSid}:${config.authToken}`).toString("base64")}`;
  }

  send(job: ChannelJob): Promise<SendResult> {
    if (this.closed) return Promise.resolve({ ok: false, transient: true, error: "the SMS channel is closing" });
    const sending = this.deliver(job);
    this.inFlight.add(sending);
    void sending.finally(() => this.inFlight.delete(sending));
    return sending;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.inFlight]);
  }

  private async deliver(job: ChannelJob): Promise<SendResult> {
    const to = job.recipient.phone;
    if (!to) return { ok: false, transient: false, error: "the customer has no phone number" };
    const form = new URLSearchParams({ To: to, Body: smsBody(job.short) });
    form.set(this.config.from.startsWith("MG") ? "MessagingServiceSid" : "From", this.config.from);
    if (!(await job.begin())) return withdrawn;
    let response: Response;
    let payload: unknown;
    try {
      response = await fetch(this.endpoint, {
        method: "POST",
        headers: {
          Authorization: this.authorization,
          "Content-Type": "application/x-www-form-urlencoded",
          Accept: "application/json",
        },
        body: form,
        signal: AbortSignal.timeout(this.config.timeoutMs ?? 10_000),
      });
      payload = await response.json().catch(() => null);
    } catch (error) {
      // The Messages API takes no idempotency key, so after a timeout Twilio may have sent it
      // already; trying again risks a duplicate, not trying risks a lost message. The worker's
      // retry (with its send-time decision) is the lesser harm for the messages we carry.
      return { ok: false, transient: true, error: `Twilio unreachable: ${describe(error)}` };
    }
    return interpret(response, payload);
  }
}

/** What Twilio's answer means for this message. */
function interpret(response: Response, payload: unknown): SendResult {
  if (response.ok) {
    const message = TwilioMessage.safeParse(payload);
    // Accepted but unreadable: it may well go out, so retrying could send it twice.
    if (!message.success) {
      return { ok: false, transient: false, error: `Twilio answered ${response.status} without a message sid` };
    }
    return { ok: true, providerId: message.data.sid };
  }
  const parsed = TwilioError.safeParse(payload);
  const problem: TwilioError = parsed.success ? parsed.data : {};
  const error = `Twilio ${response.status}${problem.code ? ` error ${problem.code}` : ""}: ${problem.message ?? response.statusText}`;
  if (response.status === 429 || response.status >= 500) {
    const retryAfterMs = retryAfter(response.headers.get("retry-after"), Date.now());
    return { ok: false, transient: true, error, ...(retryAfterMs !== undefined && { retryAfterMs }) };
  }
  if (response.status >= 400) {
    const suppress = problem.code ? suppressFor[problem.code] : undefined;
    return { ok: false, transient: false, error, ...(suppress && { suppress }) };
  }
  return { ok: false, transient: true, error };
}

/** Retry-After as milliseconds from now: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfter(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The text of the SMS. An SMS has no subject, so the title opens it (it is what the lock-screen
 * preview shows), the text follows on its own line, and the link comes last on a line of its
 * own, where phones make it tappable. Past Twilio's 1600 characters the text is shortened
 * (then the title), never the link: a cut link is a broken one. Lengths are counted in UTF-16
 * units, the stricter count (an emoji is two), and cuts fall between characters, never inside
 * one.
 */
export function smsBody(short: ShortContent): string {
  const url = short.url?.trim() || null;
  const link = url && url.length < SMS_MAX_LENGTH / 2 ? url : null;
  let budget = SMS_MAX_LENGTH - (link ? link.length + 1 : 0);
  const title = shorten(tidy(short.title), Math.min(TITLE_MAX_LENGTH, budget));
  budget -= title.length;
  const text = shorten(tidy(short.text), title ? budget - 1 : budget);
  return [title, text, link].filter(Boolean).join("\n");
}

function tidy(text: string): string {
  return text
    .replace(/[ \t]+/g, " ")
    .replace(/\s*\n\s*/g, "\n")
    .trim();
}

/** `text` in at most `max` UTF-16 units, ending with "…" when cut. */
function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < 2) return "";
  let kept = "";
  for (const character of text) {
    if (kept.length + character.length > max - 1) break;
    kept += character;
  }
  return `${kept.trimEnd()}…`;
}

function describe(error: unknown): string {
  if (error instanceof Error && error.name === "TimeoutError") return "no answer in time";
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error instanceof Error ? error.message : String(error)}${cause}`;
}
