// Background work that polls: rounds run back to back while they find work, otherwise after a
// pause that a wake signal cuts short; a round that throws is logged and tried again a second
// later. The outbox worker and the privacy jobs both run on it.
import { EventEmitter } from "node:events";
import { log } from "./log.server";

/** A nudge within this process ("there is work now"); other processes find it at their next poll. */
export type WakeSignal = { wake(): void; on(listener: () => void): () => void };

const holder = globalThis as typeof globalThis & { __mesureWakeSignals?: Map<string, EventEmitter> };
// Kept on globalThis, so dev rebuilds (which re-evaluate modules) keep one signal per name.
const signals = (holder.__mesureWakeSignals ??= new Map());

export function wakeSignal(name: string): WakeSignal {
  let emitter = signals.get(name);
  if (!emitter) signals.set(name, (emitter = new EventEmitter().setMaxListeners(50)));
  const events = emitter;
  return {
    wake: () => events.emit("wake"),
    on(listener) {
      events.on("wake", listener);
      return () => events.off("wake", listener);
    },
  };
}

export type PollLoopOptions = {
  /** For the log line of a failed round. */
  name: string;
  /** One round; true when it found work, so the next starts at once. */
  round: () => Promise<boolean>;
  pollMs: number;
  signal: WakeSignal;
};

export class PollLoop {
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly options: PollLoopOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = this.options.signal.on(() => this.wakeUp?.());
    this.loop = this.run();
  }

  /** Lets the round in hand finish, then stops; false if it was not running. */
  async stop(): Promise<boolean> {
    if (!this.running) return false;
    this.running = false;
    this.unsubscribe?.();
    this.wakeUp?.();
    await this.loop;
    return true;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let busy = false;
      try {
        busy = await this.options.round();
      } catch (error) {
        log.error(`${this.options.name}: ${(error as Error).stack ?? error}`);
        await this.idle(1_000);
        continue;
      }
      if (!busy) await this.idle(this.options.pollMs);
    }
  }

  private idle(ms: number): Promise<void> {
    // Stopped while the round ran: its wake-up is spent, so a pause now would last all of `ms`.
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }
}
