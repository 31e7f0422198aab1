// The decision engine's inputs and output. Plain data: the engine imports no database, no
// framework and no clock; `now` is part of the input, so the same input always gives the same
// decision.
import type { AlertCriteria, Channel, Frequency, Priority, SendWindow, TopicKind } from "~/lib/vocabulary";
import type { ReasonCode } from "./reasons";

export type { Channel, Frequency, Priority };

export type TopicPolicy = {
  key: string;
  kind: TopicKind;
  channels: Channel[];
  defaultFrequency: Frequency;
};

export type ChannelRules = {
  enabled: boolean;
  dailyCap: number | null;
  weeklyCap: number | null;
  /** Empty: any time. */
  sendWindows: SendWindow[];
};

export type BrandPolicy = {
  channels: Record<Channel, ChannelRules>;
  globalWeeklyCap: number | null;
  /** Share of each cap (percent, rounded down) that only `high` priority may use. */
  highPriorityReservePercent: number;
};

export type CustomerChannel = {
  enabled: boolean;
  quietStart: string | null;
  quietEnd: string | null;
  dailyCap: number | null;
  weeklyCap: number | null;
};

export type SubscriptionState = { status: "subscribed" | "pending" | "unsubscribed"; frequency: Frequency };

export type AlertFilterState = { topicKey: string; channel: Channel; frequency: Frequency; criteria: AlertCriteria };

/** Everything the customer chose, as the engine needs it. */
export type CustomerSnapshot = {
  timezone: string;
  locale: "fr" | "en";
  /** Which channels have a contact point (an address, a number, a push subscription). */
  reachable: Record<Channel, boolean>;
  /** Identifiers on the suppression list (erased, bounced, complained, SMS STOP). */
  suppressed: { email: boolean; sms: boolean };
  channels: Partial<Record<Channel, CustomerChannel>>;
  /** Keyed "topicKey:channel". */
  subscriptions: Record<string, SubscriptionState>;
  alertFilters: AlertFilterState[];
  pausedUntil: number | null;
  context: { mode: "none" | "looking" | "browsing"; until: number | null; topics: string[] };
  excludedTags: string[];
  globalWeeklyCap: number | null;
  digestHour: number;
  digestWeekday: number;
};

/** A message that left, as caps count it. */
export type SendRecord = { at: number; channel: Channel; priority: Priority };

export type MessageAttributes = Record<string, string | number | boolean | string[]>;

export type MessageInput = {
  topic: TopicPolicy;
  channel: Channel;
  priority: Priority;
  tags: string[];
  attributes: MessageAttributes;
  campaign: string | null;
  expiresAt: number | null;
};

export type DecisionInput = {
  brand: BrandPolicy;
  customer: CustomerSnapshot;
  message: MessageInput;
  /** Sends to this customer in the last 7 days, any order. */
  recentSends: SendRecord[];
  /** Whether this message's campaign already reached this customer, on any channel. */
  campaignAlreadySent: boolean;
  now: number;
};

export type Verdict = "send" | "defer" | "digest" | "deny";

/** Sends left for this message's priority in each capped window; null where there is no cap. */
export type Budget = { channelDay: number | null; channelWeek: number | null; globalWeek: number | null };

export type Decision = {
  verdict: Verdict;
  /** Every reason that applies, the decisive one first. */
  reasons: ReasonCode[];
  notBefore: number | null;
  digestAt: number | null;
  budget: Budget;
  explanation: string;
};
