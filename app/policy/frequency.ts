// Rules 8 and 9 (`frequency.digest`, `context.browsing`, `context.looking`): a topic the
// customer wants daily, weekly or monthly is folded into their digest, sent at their digest
// hour (and weekday, for weekly) in their time zone. Context changes that for a while:
// "looking for something" makes the chosen alert topics instant; "just browsing" sends every
// non-critical message to the weekly digest.
import { isCritical } from "./priority";
import type { ReasonCode } from "./reasons";
import { nextLocalTime } from "./time";
import type { CustomerSnapshot, DecisionInput, Frequency } from "./types";

export type Delivery = { frequency: Frequency; reason: ReasonCode | null; looking: boolean };

export function deliveryFrequency(input: DecisionInput, filterFrequency: Frequency | null): Delivery {
  const { customer, message, now } = input;
  if (isCritical(message) || message.topic.kind === "transactional")
    return { frequency: "instant", reason: null, looking: false };
  const context = customer.context.until === null || customer.context.until > now ? customer.context.mode : "none";
  if (context === "browsing") return { frequency: "weekly", reason: "context.browsing", looking: false };
  if (context === "looking" && message.topic.kind === "alert" && customer.context.topics.includes(message.topic.key)) {
    return { frequency: "instant", reason: null, looking: true };
  }
  const subscription = customer.subscriptions[`${message.topic.key}:${message.channel}`];
  const frequency = filterFrequency ?? subscription?.frequency ?? message.topic.defaultFrequency;
  return { frequency, reason: frequency === "instant" ? null : "frequency.digest", looking: false };
}

/** The first digest slot at or after `from` for a digest frequency, in the customer's zone. */
export function nextDigestSlot(
  from: number,
  frequency: Exclude<Frequency, "instant">,
  customer: CustomerSnapshot,
): number {
  const minute = customer.digestHour * 60;
  const allowed =
    frequency === "daily"
      ? () => true
      : frequency === "weekly"
        ? (weekday: number) => weekday === customer.digestWeekday
        : (_weekday: number, date: { day: number }) => date.day === 1;
  // A slot always exists within 400 days for these rules; the fallback only guards the type.
  return nextLocalTime(from, customer.timezone, minute, allowed) ?? from;
}
