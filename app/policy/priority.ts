// Which messages may pass the soft rules (pause, quiet hours, windows, caps, digests, excluded
// subjects): only `critical` messages on transactional topics. A marketing message marked
// critical is treated as high: priority cannot buy consent or attention.
import type { MessageInput, Priority } from "./types";

export function isCritical(message: MessageInput): boolean {
  return message.priority === "critical" && message.topic.kind === "transactional";
}

/** The priority the caps see. */
export function effectivePriority(message: MessageInput): Priority {
  return message.priority === "critical" && !isCritical(message) ? "high" : message.priority;
}
