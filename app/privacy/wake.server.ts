// A nudge to this process's privacy jobs (app/privacy/jobs.server.ts): an erasure just asked for
// with no grace period should not wait for the next poll. Other processes find it at theirs.
import { EventEmitter } from "node:events";

const holder = globalThis as typeof globalThis & { __mesurePrivacyWake?: EventEmitter };
const wake: EventEmitter = (holder.__mesurePrivacyWake ??= new EventEmitter().setMaxListeners(50));

export function wakeUpPrivacyJobs(): void {
  wake.emit("wake");
}

export function onPrivacyWake(listener: () => void): () => void {
  wake.on("wake", listener);
  return () => wake.off("wake", listener);
}
