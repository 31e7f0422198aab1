// A nudge to this process's webhook deliveries (app/webhooks/delivery.server.ts): an event just
// written should leave now, not at the next poll. Other processes find it at theirs.
import { wakeSignal } from "~/lib/poll-loop.server";

export const webhookWake = wakeSignal("webhooks");

/**
 * Wakes the deliveries once the transaction that wrote the event has had time to commit: the
 * emitter runs inside it and cannot see its end; if the round still comes too early, the next
 * poll (2 s) finds the event.
 */
export function wakeUpWebhooksSoon(): void {
  if (pending) return;
  pending = setTimeout(() => {
    pending = null;
    webhookWake.wake();
  }, 25);
  pending.unref();
}

let pending: ReturnType<typeof setTimeout> | null = null;
