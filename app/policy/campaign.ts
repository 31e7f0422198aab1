// Rule 7 (`campaign.already_sent`): one campaign reaches a person once, across every channel,
// so the same offer does not arrive by email and then again by SMS.
import type { ReasonCode } from "./reasons";
import type { DecisionInput } from "./types";

export function campaignReasons({ message, campaignAlreadySent }: DecisionInput): ReasonCode[] {
  return message.campaign && campaignAlreadySent ? ["campaign.already_sent"] : [];
}
