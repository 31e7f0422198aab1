// decide(): the one answer to "may I send this message to this person now?", used by the
// decision API, by the scheduler at enqueue and again at send time, and by the portal's
// previews. Pure and deterministic: the same input gives the same decision.
//
// Order: first the hard stops (any of them denies; all that apply are reported, the decisive
// one first), then how the message should travel (digest or now), then when it may leave: the
// earliest instant that every timing rule (pause, quiet hours, send windows, caps) allows,
// found by moving forward until no rule moves it further.
import { budget, applicableCaps, capRelease } from "./caps";
import { campaignReasons } from "./campaign";
import { channelReasons } from "./channel";
import { consentReasons } from "./consent";
import { explain } from "./explain";
import { alertFilterOutcome } from "./filters";
import { deliveryFrequency, nextDigestSlot } from "./frequency";
import { pauseEnd } from "./pause";
import { isCritical } from "./priority";
import type { ReasonCode } from "./reasons";
import { suppressionReasons } from "./suppression";
import { excludedTagReasons } from "./tags";
import type { Decision, DecisionInput, Verdict } from "./types";
import { quietHoursEnd, sendWindowOpening } from "./windows";

/** Timing rules can push a message back at most this many times before we call it stuck. */
const MAX_TIMING_PASSES = 32;

export function decide(input: DecisionInput): Decision {
  const { message, customer, now } = input;
  const caps = applicableCaps(input);
  const finish = (
    verdict: Verdict,
    reasons: ReasonCode[],
    times: { notBefore?: number; digestAt?: number } = {},
  ): Decision => {
    const unique = [...new Set(reasons)];
    const decision = {
      verdict,
      reasons: unique,
      notBefore: times.notBefore ?? null,
      digestAt: times.digestAt ?? null,
      budget: budget(caps, now),
    };
    return { ...decision, explanation: explain(decision, input) };
  };

  // Hard stops.
  const filter = alertFilterOutcome(input);
  const denials: ReasonCode[] = [
    ...suppressionReasons(input),
    ...channelReasons(input),
    ...consentReasons(input),
    ...excludedTagReasons(input),
    ...(filter.matches ? [] : (["filter.no_match"] as const)),
    ...campaignReasons(input),
    ...(message.expiresAt !== null && message.expiresAt <= now ? (["expired"] as const) : []),
  ];
  if (denials.length) return finish("deny", denials);

  const critical = isCritical(message);
  const delivery = deliveryFrequency(input, filter.frequency);
  const informational: ReasonCode[] = [
    ...(critical ? (["critical.bypass"] as const) : []),
    ...(delivery.looking ? (["context.looking"] as const) : []),
  ];
  const paused = pauseEnd(input);

  // Digest: the customer asked for this topic in batches (or is just browsing).
  if (delivery.frequency !== "instant") {
    const from = Math.max(now, paused ?? now);
    const digestAt = nextDigestSlot(from, delivery.frequency, customer);
    const reasons: ReasonCode[] = [delivery.reason!, ...(paused ? (["paused"] as const) : [])];
    if (message.expiresAt !== null && message.expiresAt <= digestAt)
      return finish("deny", [...reasons, "expires_before_slot"]);
    return finish("digest", [...reasons, ...informational], { digestAt });
  }
  if (critical) return finish("send", informational);

  // Instant: the first moment every timing rule allows.
  const moved: ReasonCode[] = [];
  let capped = false;
  let at = now;
  const channelPreference = customer.channels[message.channel];
  const channelRules = input.brand.channels[message.channel];
  for (let pass = 0; pass < MAX_TIMING_PASSES; pass++) {
    const before = at;
    if (paused !== null && at < paused) {
      at = paused;
      moved.push("paused");
    }
    const quietEnd = quietHoursEnd(at, customer.timezone, channelPreference);
    if (quietEnd !== null) {
      at = quietEnd;
      moved.push("quiet_hours");
    }
    const opening = sendWindowOpening(at, customer.timezone, channelRules);
    if (opening === null) return finish("deny", [...moved, "send_window"]);
    if (opening > at) {
      at = opening;
      moved.push("send_window");
    }
    const release = capRelease(caps, at);
    if (release) {
      capped = true;
      moved.push(...release.reasons);
      if (!Number.isFinite(release.at)) return finish("deny", moved);
      at = release.at;
    }
    if (at === before) break;
  }

  if (at === now) return finish("send", informational);
  // Over a cap, a message whose topic can wait is folded into the next digest instead of
  // queueing behind the cap: fewer, better messages.
  if (capped && message.topic.kind !== "transactional") {
    const digestAt = nextDigestSlot(Math.max(now, paused ?? now), "daily", customer);
    if (message.expiresAt === null || message.expiresAt > digestAt)
      return finish("digest", [...moved, ...informational], { digestAt });
  }
  if (message.expiresAt !== null && message.expiresAt <= at) return finish("deny", [...moved, "expires_before_slot"]);
  return finish("defer", [...moved, ...informational], { notBefore: at });
}
