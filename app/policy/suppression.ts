// Rule 1 (`suppressed`): an address or number on the suppression list (erased, hard bounce,
// complaint, SMS STOP) is never contacted, whatever the message.
import type { ReasonCode } from "./reasons";
import type { DecisionInput } from "./types";

export function suppressionReasons({ customer, message }: DecisionInput): ReasonCode[] {
  const suppressed =
    (message.channel === "email" && customer.suppressed.email) ||
    (message.channel === "sms" && customer.suppressed.sms);
  return suppressed ? ["suppressed"] : [];
}
