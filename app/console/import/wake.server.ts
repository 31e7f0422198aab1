// A nudge to this process's import runner (runner.server.ts): a file just uploaded should not
// wait for the next poll. Other processes find it at theirs.
import { wakeSignal } from "~/lib/poll-loop.server";

export const importWake = wakeSignal("imports");

export function wakeUpImports(): void {
  importWake.wake();
}
