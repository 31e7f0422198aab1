// Rule 4 (`filter.no_match`): an alert reaches the customer only if its attributes match one of
// the customer's filters on that topic and channel. Criteria are typed: set membership, numeric
// range, text equality. A customer subscribed to an alert topic without any filter gets every
// alert of it: the subscription is the consent, filters only narrow it.
import type { AlertCriteria } from "~/lib/vocabulary";
import type { AlertFilterState, DecisionInput, Frequency, MessageAttributes } from "./types";

const order: Frequency[] = ["instant", "daily", "weekly", "monthly"];

export function criteriaMatch(criteria: AlertCriteria, attributes: MessageAttributes): boolean {
  return Object.entries(criteria).every(([key, criterion]) => {
    const value = attributes[key];
    if (value === undefined) return false;
    if ("in" in criterion) {
      const values = (Array.isArray(value) ? value : [value]).map((item) => String(item).trim().toLowerCase());
      return criterion.in.some((option) => values.includes(option.trim().toLowerCase()));
    }
    if ("eq" in criterion) {
      return typeof value !== "object" && String(value).trim().toLowerCase() === criterion.eq.trim().toLowerCase();
    }
    const number =
      typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
    if (!Number.isFinite(number)) return false;
    return (
      (criterion.min === undefined || number >= criterion.min) &&
      (criterion.max === undefined || number <= criterion.max)
    );
  });
}

/**
 * For alert topics: whether the message passes the customer's filters and, if it does, the
 * most immediate frequency among the filters it matched (null: no filter decides it).
 */
export function alertFilterOutcome({ customer, message }: DecisionInput): {
  matches: boolean;
  frequency: Frequency | null;
} {
  if (message.topic.kind !== "alert") return { matches: true, frequency: null };
  const onTopic = customer.alertFilters.filter((filter) => filter.topicKey === message.topic.key);
  if (onTopic.length === 0) return { matches: true, frequency: null };
  const matched: AlertFilterState[] = onTopic.filter(
    (filter) => filter.channel === message.channel && criteriaMatch(filter.criteria, message.attributes),
  );
  if (matched.length === 0) return { matches: false, frequency: null };
  const frequency = matched.map((filter) => filter.frequency).sort((a, b) => order.indexOf(a) - order.indexOf(b))[0]!;
  return { matches: true, frequency };
}
