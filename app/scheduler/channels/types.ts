// The one interface every channel adapter implements: the worker hands it a message already
// decided, reserved under the caps and rendered for its channel, and it says what became of it.
// Adding a channel means one file here and a line in the registry (registry.server.ts).
import type { Channel } from "~/lib/vocabulary";

export type Recipient = {
  brandId: string;
  customerId: string;
  externalId: string;
  email: string | null;
  phone: string | null;
  locale: "fr" | "en";
};

/** What the customer reads, per channel; email is rendered to HTML and text before it gets here. */
export type EmailContent = { subject: string; html: string; text: string; headers: Record<string, string> };
export type ShortContent = { title: string; text: string; url: string | null };

export type ChannelJob = {
  /** The delivery this attempt fills (unique per message and channel, or per digest). */
  deliveryId: string;
  /** Mesure's message id (the first one, for a digest): stable across retries. */
  messageId: string;
  brand: { id: string; slug: string; name: string };
  topicKey: string;
  recipient: Recipient;
  email: EmailContent | null;
  /** SMS body, push notification and in-app item share the short form. */
  short: ShortContent;
  /**
   * Call right before the provider is contacted (connection ready, nothing sent yet). False:
   * a change of the customer's preferences withdrew the delivery meanwhile, and nothing may be
   * sent; answer `withdrawn`. The gap between this and the first byte is what a withdrawal can
   * still miss, so keep it free of waiting.
   */
  begin(): Promise<boolean>;
};

/** What an adapter answers when `begin()` said no: nothing went out. */
export const withdrawn = {
  ok: false,
  transient: false,
  withdrawn: true,
  error: "withdrawn before it was sent",
} as const;
export type Withdrawn = typeof withdrawn;

export type SendResult =
  | { ok: true; providerId: string }
  /** Worth trying again later (network, 4xx greylisting, 5xx from an API, 429). */
  | { ok: false; transient: true; error: string; retryAfterMs?: number }
  /**
   * Will never work as it is. `suppress` puts the address or number on the suppression list
   * (hard bounce, complaint, SMS STOP known to the provider); the worker then tries the next
   * channel of the message's fallback list, if any.
   */
  | { ok: false; transient: false; error: string; suppress?: "hard_bounce" | "complaint" | "sms_stop" }
  | Withdrawn;

export interface ChannelAdapter {
  readonly channel: Channel;
  send(job: ChannelJob): Promise<SendResult>;
  /** Lets in-flight sends finish and closes connections. */
  close(): Promise<void>;
}
