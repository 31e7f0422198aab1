// Rule 2 (`channel.*`): the message's channel must be offered (by the topic and the brand),
// reachable (an address, a number, a push subscription), and switched on by the customer.
// These hold for critical messages too: they are facts, not preferences to weigh.
import type { ReasonCode } from "./reasons";
import type { DecisionInput } from "./types";

export function channelReasons({ brand, customer, message }: DecisionInput): ReasonCode[] {
  const reasons: ReasonCode[] = [];
  if (!message.topic.channels.includes(message.channel) || !brand.channels[message.channel].enabled) {
    reasons.push("channel.not_offered");
  }
  if (!customer.reachable[message.channel]) reasons.push("channel.no_contact");
  if (customer.channels[message.channel]?.enabled === false) reasons.push("channel.disabled");
  return reasons;
}
