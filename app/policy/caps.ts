// Rule 11 (`cap.channel.day`, `cap.channel.week`, `cap.global.week`): how many messages may
// reach a customer per channel per day and per week, and across all channels per week. The
// customer's own caps come first, the brand's defaults otherwise. Windows are rolling (the
// last 24 hours, the last 7 days), so a slot frees exactly when the oldest send in the window
// leaves it. `high` priority keeps a reserve of each cap that `normal` and `low` cannot use.
// Critical messages neither wait for caps nor use them up.
import { effectivePriority } from "./priority";
import type { ReasonCode } from "./reasons";
import { DAY, WEEK } from "./time";
import type { Budget, DecisionInput, SendRecord } from "./types";

type Cap = { reason: ReasonCode; limit: number; window: number; sends: number[] };

function usable(limit: number, reservePercent: number, high: boolean): number {
  return high ? limit : limit - Math.floor((limit * reservePercent) / 100);
}

/** The caps that apply to this message, each with the times of the sends it counts. */
export function applicableCaps(input: DecisionInput): Cap[] {
  const { brand, customer, message, recentSends } = input;
  const high = effectivePriority(message) === "high";
  const reserve = brand.highPriorityReservePercent;
  const counted = recentSends.filter((send: SendRecord) => send.priority !== "critical");
  const onChannel = counted.filter((send) => send.channel === message.channel).map((send) => send.at);
  const preference = customer.channels[message.channel];
  const rules = brand.channels[message.channel];
  const caps: Cap[] = [];
  const dayLimit = preference?.dailyCap ?? rules.dailyCap;
  const weekLimit = preference?.weeklyCap ?? rules.weeklyCap;
  const globalLimit = customer.globalWeeklyCap ?? brand.globalWeeklyCap;
  if (dayLimit !== null)
    caps.push({ reason: "cap.channel.day", limit: usable(dayLimit, reserve, high), window: DAY, sends: onChannel });
  if (weekLimit !== null)
    caps.push({ reason: "cap.channel.week", limit: usable(weekLimit, reserve, high), window: WEEK, sends: onChannel });
  if (globalLimit !== null) {
    caps.push({
      reason: "cap.global.week",
      limit: usable(globalLimit, reserve, high),
      window: WEEK,
      sends: counted.map((send) => send.at),
    });
  }
  return caps;
}

/**
 * The sends that count against a cap at `at`. A send stamped after `at` counts too: it happened
 * (another host's clock may run a little ahead), and a cap must hold whichever clock is right.
 */
function inWindow(cap: Cap, at: number): number[] {
  return cap.sends.filter((sent) => sent > at - cap.window).sort((a, b) => a - b);
}

/** If caps are full at `at`: every full cap, and when all of them have a free slot again. */
export function capRelease(caps: Cap[], at: number): { at: number; reasons: ReasonCode[] } | null {
  const reasons: ReasonCode[] = [];
  let frees = -Infinity;
  for (const cap of caps) {
    const sends = inWindow(cap, at);
    if (sends.length < cap.limit) continue;
    reasons.push(cap.reason);
    // With n sends in the window and room for `limit`, the (n - limit + 1)-th oldest must
    // leave it; a cap of 0 never frees.
    frees = Math.max(frees, cap.limit <= 0 ? Infinity : sends[sends.length - cap.limit]! + cap.window);
  }
  return reasons.length ? { at: frees, reasons } : null;
}

export function budget(caps: Cap[], at: number): Budget {
  const left = (reason: ReasonCode) => {
    const cap = caps.find((candidate) => candidate.reason === reason);
    return cap ? Math.max(0, cap.limit - inWindow(cap, at).length) : null;
  };
  return {
    channelDay: left("cap.channel.day"),
    channelWeek: left("cap.channel.week"),
    globalWeek: left("cap.global.week"),
  };
}
