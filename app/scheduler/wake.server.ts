// A nudge from intake to the workers of this process: a message that may go now should not
// wait for the next poll. Workers in other processes find it at their next poll.
import { EventEmitter } from "node:events";

const holder = globalThis as typeof globalThis & { __mesureWake?: EventEmitter };
const wake: EventEmitter = (holder.__mesureWake ??= new EventEmitter().setMaxListeners(50));

export function wakeWorkers(): void {
  wake.emit("wake");
}

export function onWake(listener: () => void): () => void {
  wake.on("wake", listener);
  return () => wake.off("wake", listener);
}
