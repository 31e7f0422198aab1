// Rule 5 (`tag.excluded`): subjects the customer never wants to hear about (bereavement, baby…)
// stop every message that carries them, whatever else is set. Only a critical transactional
// message (an order confirmation) goes through.
import { isCritical } from "./priority";
import type { ReasonCode } from "./reasons";
import type { DecisionInput } from "./types";

export function excludedTagReasons({ customer, message }: DecisionInput): ReasonCode[] {
  if (isCritical(message) || customer.excludedTags.length === 0) return [];
  const excluded = new Set(customer.excludedTags.map((tag) => tag.trim().toLowerCase()));
  return message.tags.some((tag) => excluded.has(tag.trim().toLowerCase())) ? ["tag.excluded"] : [];
}
