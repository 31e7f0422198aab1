// The Web Push channel: the short form of a message, encrypted for each of the customer's
// subscribed browsers (RFC 8291, aes128gcm) and handed to their push services (RFC 8030), signed
// with Mesure's VAPID key (RFC 8292). web-push builds each request; fetch() sends it, so that
// http push services on this machine (tests, local runs) work too and every request has a timeout.
// The endpoint comes from a customer's browser: outboundFetch will not call a private address.
import crypto from "node:crypto";
import webpush from "web-push";
import type { Db } from "~/db/client.server";
import { log } from "~/lib/log.server";
import { outboundFetch, refusedAddressOf } from "~/lib/outbound.server";
import {
  listPushSubscriptions,
  removePushSubscription,
  touchPushSubscriptions,
} from "~/models/push-subscription.server";
import { withdrawn, type ChannelAdapter, type ChannelJob, type SendResult } from "./types";

/** What the service worker (public/push-sw.js) receives, once decrypted. */
export type PushPayload = { title: string; body: string; url: string | null; tag: string; lang: "fr" | "en" };

export type WebPushOptions = {
  db: Db;
  vapid: { publicKey: string; privateKey: string; subject: string };
  /** How long a push service keeps the message for a device that is offline (default a day). */
  ttlSeconds?: number;
  /** How long one push service may take to answer (default 10 s). */
  timeoutMs?: number;
};

/**
 * A push service takes at most 4096 bytes of body; aes128gcm adds 86 bytes of header, 16 of tag
 * and 1 of padding delimiter. Longer texts are shortened rather than refused.
 */
const MAX_PAYLOAD_BYTES = 3993;

type Outcome =
  | { kind: "delivered"; id: string; providerId: string }
  /** 404 or 410: the browser unsubscribed or the subscription expired. */
  | { kind: "gone"; id: string; error: string }
  /** 429, 5xx, a network error or a timeout: another attempt may work. */
  | { kind: "transient"; id: string; error: string; retryAfterMs?: number }
  /** Any other refusal (400, 401, 403, 413): this message will never go there as it is. */
  | { kind: "refused"; id: string; error: string };

export class WebPushAdapter implements ChannelAdapter {
  readonly channel = "push" as const;
  private readonly db: Db;
  private readonly vapid: WebPushOptions["vapid"];
  private readonly ttlSeconds: number;
  private readonly timeoutMs: number;
  private readonly inFlight = new Set<Promise<SendResult>>();

  constructor(options: WebPushOptions) {
    this.db = options.db;
    this.vapid = options.vapid;
    this.ttlSeconds = options.ttlSeconds ?? 24 * 3600;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  send(job: ChannelJob): Promise<SendResult> {
    const sending = this.sendToAll(job);
    this.inFlight.add(sending);
    void sending.finally(() => this.inFlight.delete(sending)).catch(() => {});
    return sending;
  }

  async close(): Promise<void> {
    // fetch() shares node's connection pool, which closes idle connections by itself.
    await Promise.allSettled([...this.inFlight]);
  }

  private async sendToAll(job: ChannelJob): Promise<SendResult> {
    const owner = { brandId: job.recipient.brandId, customerId: job.recipient.customerId };
    const subscriptions = await listPushSubscriptions(this.db, owner);
    if (subscriptions.length === 0) {
      return { ok: false, transient: false, error: "the customer has no push subscription" };
    }
    const payload = encodePayload({
      title: job.short.title,
      body: job.short.text,
      url: job.short.url,
      tag: job.deliveryId,
      lang: job.recipient.locale,
    });
    // A retry of the same delivery replaces the copy a push service may still hold for an
    // offline device, rather than adding a second one (RFC 8030 §5.4).
    const topic = crypto.createHash("sha256").update(job.deliveryId).digest("base64url").slice(0, 32);
    if (!(await job.begin())) return withdrawn;
    const outcomes = await Promise.all(subscriptions.map((subscription) => this.push(subscription, payload, topic)));

    const delivered = outcomes.filter((outcome) => outcome.kind === "delivered");
    // What the push services said stands even if the bookkeeping below fails: throwing now
    // would make the worker send again to the browsers that already have it.
    for (const gone of outcomes.filter((outcome) => outcome.kind === "gone")) {
      await removePushSubscription(this.db, owner, { id: gone.id }).catch((error: Error) =>
        log.error(`push: could not remove subscription ${gone.id}: ${error.message}`),
      );
    }
    if (delivered.length > 0) {
      await touchPushSubscriptions(
        this.db,
        owner,
        delivered.map((outcome) => outcome.id),
      ).catch((error: Error) => log.error(`push: could not note the subscriptions' last use: ${error.message}`));
      return { ok: true, providerId: delivered[0]!.providerId };
    }
    const transient = outcomes.filter((outcome) => outcome.kind === "transient");
    const summary = outcomes.map((outcome) => (outcome.kind === "delivered" ? "" : outcome.error)).join("; ");
    if (transient.length > 0) {
      const waits = transient.map((outcome) => outcome.retryAfterMs ?? 0);
      const retryAfterMs = Math.max(...waits);
      return { ok: false, transient: true, error: summary, ...(retryAfterMs > 0 && { retryAfterMs }) };
    }
    return { ok: false, transient: false, error: summary };
  }

  private async push(
    subscription: { id: string; endpoint: string; p256dh: string; auth: string },
    payload: string,
    topic: string,
  ): Promise<Outcome> {
    const { id, endpoint } = subscription;
    const origin = new URL(endpoint).origin;
    let request: webpush.RequestDetails;
    try {
      request = webpush.generateRequestDetails(
        { endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } },
        payload,
        { vapidDetails: this.vapid, TTL: this.ttlSeconds, urgency: "normal", topic, contentEncoding: "aes128gcm" },
      );
    } catch (error) {
      // Keys the model let through but web-push cannot use: nothing will ever reach this one.
      return { kind: "refused", id, error: `${origin}: ${(error as Error).message}` };
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) {
      // fetch() sets the length of the body itself.
      if (name.toLowerCase() !== "content-length") headers.set(name, String(value));
    }
    let response: Response;
    try {
      response = await outboundFetch(endpoint, {
        method: "POST",
        headers,
        body: request.body ? new Uint8Array(request.body) : null,
        redirect: "manual",
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      // An endpoint on a private network will not become public: no point in trying again.
      const refused = refusedAddressOf(error);
      if (refused) return { kind: "refused", id, error: `${origin}: ${refused.message}` };
      const reason = (error as Error).name === "TimeoutError" ? `no answer in ${this.timeoutMs} ms` : causeOf(error);
      return { kind: "transient", id, error: `${origin}: ${reason}` };
    }
    const answer = (await response.text().catch(() => "")).replace(/\s+/g, " ").trim().slice(0, 200);
    const status = response.status;
    const error = `${origin}: ${status}${answer ? ` ${answer}` : ""}`;
    if (status >= 200 && status < 300) {
      return { kind: "delivered", id, providerId: response.headers.get("location") ?? `${origin} ${status}` };
    }
    if (status === 404 || status === 410) return { kind: "gone", id, error };
    if (status === 429 || status >= 500) {
      return { kind: "transient", id, error, retryAfterMs: retryAfter(response.headers.get("retry-after")) };
    }
    return { kind: "refused", id, error };
  }
}

/** The payload as JSON, its text shortened (on a character boundary) to fit in one record. */
export function encodePayload(payload: PushPayload): string {
  let json = JSON.stringify(payload);
  if (Buffer.byteLength(json) <= MAX_PAYLOAD_BYTES) return json;
  const characters = [...payload.body];
  let keep = characters.length;
  while (keep > 0 && Buffer.byteLength(json) > MAX_PAYLOAD_BYTES) {
    keep = Math.floor(keep * 0.9);
    json = JSON.stringify({ ...payload, body: `${characters.slice(0, keep).join("")}…` });
  }
  return json;
}

/** Retry-After in seconds or as an HTTP date (RFC 9110 §10.2.3), in milliseconds. */
function retryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** fetch() hides the network error (ECONNREFUSED, ENOTFOUND…) in its cause. */
function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
