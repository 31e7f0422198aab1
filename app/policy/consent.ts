// Rule 3 (`consent.missing`, `consent.pending`, `topic.unsubscribed`): marketing and alert
// topics need the customer's opt-in for that topic on that channel. A double opt-in not yet
// confirmed is not an opt-in. Transactional topics need no marketing consent.
import type { ReasonCode } from "./reasons";
import type { DecisionInput } from "./types";

export function consentReasons({ customer, message }: DecisionInput): ReasonCode[] {
  if (message.topic.kind === "transactional") return [];
  const subscription = customer.subscriptions[`${message.topic.key}:${message.channel}`];
  if (!subscription) return ["consent.missing"];
  if (subscription.status === "pending") return ["consent.missing", "consent.pending"];
  if (subscription.status === "unsubscribed") return ["topic.unsubscribed"];
  return [];
}
