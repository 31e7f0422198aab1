// What a brand's systems can hear of through webhooks, and the JSON body of each event, in the
// Standard Webhooks shape `{ "type", "timestamp", "data" }` (the event's id travels in the
// webhook-id header). A customer is named by the brand's own external id and nothing else:
// webhooks go to systems Mesure does not control, sometimes logged in clear, so no email, phone
// or name ever travels in one (webhookBody refuses a payload that holds such a key). Pure.
import { z } from "zod";

export const WEBHOOK_EVENT_TYPES = [
  "preference.changed",
  "consent.changed",
  "customer.unsubscribed",
  "erasure.requested",
] as const;
export const WebhookEventType = z.enum(WEBHOOK_EVENT_TYPES, { message: "choice" });
export type WebhookEventType = z.infer<typeof WebhookEventType>;

/** Sent only by the console's "send test" button, to the one endpoint tested. */
export const TEST_EVENT = "webhook.test";
export type AnyWebhookEventType = WebhookEventType | typeof TEST_EVENT;

/** The customer, as the brand knows them. */
export type CustomerRef = { externalId: string };

/** Where an unsubscribe came from (customer.unsubscribed). */
export const UNSUBSCRIBE_VIAS = ["one_click", "unsubscribe_page", "sms_keyword"] as const;
export type UnsubscribeVia = (typeof UNSUBSCRIBE_VIAS)[number];

/**
 * One change as the consent ledger recorded it: `kind` subscription | channel | preference
 * (pause, context, excluded subjects, caps, digest time) | alert | cookies | data (a forgotten
 * field); `subject` e.g. "newsletter:email", "sms", "general", "cookies", "field:phone";
 * `before` and `after` as the consent receipt shows them.
 */
export type RecordedChange = { kind: string; subject: string; before: unknown; after: unknown };

/** A consent ledger entry: the change, and where it sits in the brand's hash chain (for proof). */
export type LedgerChange = RecordedChange & {
  source: string;
  policyVersion: string;
  at: string;
  ledger: { seq: number; hash: string };
};

export type WebhookEventData = {
  /** One per editing transaction of one customer: every change it made to their choices. */
  "preference.changed": { brand: string; customer: CustomerRef; source: string; changes: RecordedChange[] };
  /**
   * The consent ledger's new entries, one event per transaction. A cookie choice made on a
   * browser not yet linked to a customer has `customer: null` and the banner's random visitor id.
   */
  "consent.changed": {
    brand: string;
    customer: CustomerRef | null;
    visitorId: string | null;
    changes: LedgerChange[];
  };
  /** The customer left topics through an unsubscribe link (one-click or the page) or an SMS STOP. */
  "customer.unsubscribed": {
    brand: string;
    customer: CustomerRef;
    via: UnsubscribeVia;
    topics: { topic: string; channel: string }[];
  };
  /** Asked for, not yet done: it runs at `executeAt` (after the brand's grace period) unless cancelled. */
  "erasure.requested": {
    brand: string;
    customer: CustomerRef;
    requestId: string;
    via: string;
    requestedAt: string;
    executeAt: string;
    deadlineAt: string;
  };
  "webhook.test": { brand: string; endpointId: string; message: string };
};

export type WebhookPayload<T extends AnyWebhookEventType = AnyWebhookEventType> = {
  type: T;
  timestamp: string;
  data: WebhookEventData[T];
};

/** Keys that would carry contact data: never in a webhook. */
const FORBIDDEN_KEYS = new Set(["email", "phone", "name"]);
/**
 * Ledger content, checked where it is written (decision 18: no contact data in the ledger); its
 * keys are the brand's own (an alert's filter field may well be called "name").
 */
const LEDGER_KEYS = new Set(["before", "after"]);

/** The body of an event, as sent to every endpoint and on every attempt. */
export function webhookBody<T extends AnyWebhookEventType>(type: T, data: WebhookEventData[T], at: Date): string {
  const forbidden = forbiddenKey(data);
  if (forbidden) throw new Error(`a webhook must not carry "${forbidden}" (${type})`);
  const payload: WebhookPayload<T> = { type, timestamp: at.toISOString(), data };
  return JSON.stringify(payload);
}

function forbiddenKey(value: unknown): string | null {
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = forbiddenKey(item);
      if (found) return found;
    }
    return null;
  }
  if (!value || typeof value !== "object" || value instanceof Date) return null;
  for (const [key, inner] of Object.entries(value)) {
    if (FORBIDDEN_KEYS.has(key.toLowerCase())) return key;
    if (LEDGER_KEYS.has(key)) continue;
    const found = forbiddenKey(inner);
    if (found) return found;
  }
  return null;
}

/** The event types an endpoint listens to, from its JSON column; unknown names are ignored. */
export function readEventTypes(column: string): WebhookEventType[] {
  try {
    const parsed: unknown = JSON.parse(column);
    if (!Array.isArray(parsed)) return [];
    return parsed.filter((type): type is WebhookEventType => WebhookEventType.safeParse(type).success);
  } catch {
    return [];
  }
}
