// The stable reason codes a decision can carry. Brands build on these strings (dashboards,
// retries, support scripts): add new ones freely, never rename or remove one.
export const reasonCodes = [
  "suppressed",
  "channel.not_offered",
  "channel.no_contact",
  "channel.disabled",
  "topic.unsubscribed",
  "consent.missing",
  "consent.pending",
  "tag.excluded",
  "filter.no_match",
  "campaign.already_sent",
  "expired",
  "paused",
  "frequency.digest",
  "context.browsing",
  "context.looking",
  "quiet_hours",
  "send_window",
  "cap.channel.day",
  "cap.channel.week",
  "cap.global.week",
  "expires_before_slot",
  "critical.bypass",
] as const;

export type ReasonCode = (typeof reasonCodes)[number];
