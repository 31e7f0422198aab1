// The erasure API's answer: a request and each system's progress, dates as ISO strings. The
// zod schema types the answer and describes it in the OpenAPI document.
import { z } from "zod";
import type { ErasureStatus } from "~/privacy/erasure.server";

const When = z.string().describe("ISO 8601 date-time, UTC");

export const ErasureSystemView = z.object({
  name: z.string().describe('"Mesure" for Mesure itself, otherwise the connector\'s name'),
  status: z
    .enum(["waiting", "pending", "acknowledged"])
    .describe("waiting: not told yet (grace period); pending: being told, retried until it acknowledges"),
  attempts: z.number().int(),
  lastAttemptAt: When.nullable(),
  acknowledgedAt: When.nullable(),
  nextAttemptAt: When.nullable(),
  lastError: z.string().nullable().describe("What went wrong on the last attempt (HTTP status, network error)"),
});

export const ErasureStatusView = z.object({
  id: z.string(),
  status: z
    .enum(["scheduled", "propagating", "completed", "cancelled"])
    .describe(
      "scheduled: in the grace period, cancellable; propagating: erased in Mesure, connectors being told; completed: every system acknowledged",
    ),
  via: z.enum(["portal", "email_code", "api", "cli"]),
  requestedAt: When,
  executeAt: When.describe("When Mesure erases the customer: the end of the brand's grace period"),
  deadlineAt: When.describe("One month after the request (GDPR art. 12(3))"),
  erasedAt: When.nullable(),
  completedAt: When.nullable(),
  cancelledAt: When.nullable(),
  systems: z.array(ErasureSystemView).describe("Mesure itself first, then each connector"),
});
export type ErasureStatusView = z.infer<typeof ErasureStatusView>;

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function erasureStatusJson(status: ErasureStatus): ErasureStatusView {
  return {
    id: status.id,
    status: status.status,
    via: status.via as ErasureStatusView["via"],
    requestedAt: status.requestedAt.toISOString(),
    executeAt: status.executeAt.toISOString(),
    deadlineAt: status.deadlineAt.toISOString(),
    erasedAt: iso(status.erasedAt),
    completedAt: iso(status.completedAt),
    cancelledAt: iso(status.cancelledAt),
    systems: status.systems.map((system) => ({
      name: system.name,
      status: system.status,
      attempts: system.attempts,
      lastAttemptAt: iso(system.lastAttemptAt),
      acknowledgedAt: iso(system.acknowledgedAt),
      nextAttemptAt: iso(system.nextAttemptAt),
      lastError: system.lastError,
    })),
  };
}
