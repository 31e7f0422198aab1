// A nudge to this process's privacy jobs (app/privacy/jobs.server.ts): an erasure just asked for
// with no grace period should not wait for the next poll. Other processes find it at theirs.
import { wakeSignal } from "~/lib/poll-loop.server";

export const privacyWake = wakeSignal("privacy");

export function wakeUpPrivacyJobs(): void {
  privacyWake.wake();
}
