// How a message with several channels travels: the policy decides each channel on its own, and
// the first channel (in the brand's fallback order) that is not denied carries the message.
// A channel is skipped only when it is denied (no contact, turned off, unsubscribed…): one that
// must wait (quiet hours, caps) still carries it later, rather than a second-choice channel now.
// Pure: no I/O, no clock.
import type { Channel } from "~/lib/vocabulary";
import type { Decision } from "~/policy";
import type { ReasonCode } from "~/policy/reasons";

export type ChannelDecision = { channel: Channel; decision: Decision };

export type Plan =
  | { verdict: "send" | "defer" | "digest"; channel: Channel; decision: Decision; skipped: ChannelDecision[] }
  | { verdict: "deny"; channel: Channel; decision: Decision; skipped: ChannelDecision[]; reasons: ReasonCode[] };

export function planMessage(decisions: ChannelDecision[]): Plan {
  if (decisions.length === 0) throw new Error("planMessage needs at least one channel");
  const skipped: ChannelDecision[] = [];
  for (const entry of decisions) {
    if (entry.decision.verdict !== "deny") {
      return { verdict: entry.decision.verdict, channel: entry.channel, decision: entry.decision, skipped };
    }
    skipped.push(entry);
  }
  // Every channel refused: the first channel's reasons lead, the others' follow, once each.
  const reasons = [...new Set(decisions.flatMap((entry) => entry.decision.reasons))];
  return { verdict: "deny", channel: decisions[0]!.channel, decision: decisions[0]!.decision, skipped, reasons };
}

/** "email: consent.missing; sms: channel.no_contact": why the channels before the chosen one were passed over. */
export function describeSkipped(skipped: ChannelDecision[]): string | null {
  if (skipped.length === 0) return null;
  return skipped.map((entry) => `${entry.channel}: ${entry.decision.reasons.join(", ")}`).join("; ");
}
