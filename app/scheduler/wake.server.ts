// A nudge from intake to the workers of this process: a message that may go now should not
// wait for the next poll. Workers in other processes find it at their next poll.
import { wakeSignal } from "~/lib/poll-loop.server";

export const workerWake = wakeSignal("outbox");

export function wakeWorkers(): void {
  workerWake.wake();
}
