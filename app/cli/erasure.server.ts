// `mesure erasure request|status|cancel`: an operator acting on a person's request received
// elsewhere (a letter, a call to the data protection officer), and following its progress.
import type { Db } from "~/db/client.server";
import { getCustomer } from "~/models/customer.server";
import {
  cancelErasure,
  ErasureRefusedError,
  getErasureStatus,
  requestErasure,
  type ErasureStatus,
} from "~/privacy/erasure.server";
import { parse, required, UsageError } from "./args";
import { brandFromSlug } from "./brand-lookup.server";

function describe(status: ErasureStatus, out: (line: string) => void) {
  const at = (date: Date | null) => (date ? date.toISOString() : "-");
  out(
    `${status.id}\t${status.status}\trequested ${at(status.requestedAt)}\truns ${at(status.executeAt)}\tdeadline ${at(status.deadlineAt)}`,
  );
  for (const system of status.systems) {
    const detail = system.status === "acknowledged" ? `acknowledged ${at(system.acknowledgedAt)}` : system.status;
    const tries = system.attempts ? `\t${system.attempts} attempt(s)` : "";
    const next = system.nextAttemptAt ? `\tnext ${at(system.nextAttemptAt)}` : "";
    out(`  ${system.name}\t${detail}${tries}${next}${system.lastError ? `\t${system.lastError}` : ""}`);
  }
}

export async function erasureCommand(
  db: Db,
  [action, ...argv]: string[],
  out: (line: string) => void,
  note: (line: string) => void,
) {
  if (action === "request") {
    const values = parse(argv, { brand: { type: "string" }, customer: { type: "string" } });
    const brand = await brandFromSlug(db, required(values, "brand"));
    const externalId = required(values, "customer");
    const customer = await getCustomer(db, { brandId: brand.id, externalId });
    if (!customer) throw new UsageError(`brand ${brand.slug} has no customer with external id "${externalId}"`);
    try {
      const { status, created } = await requestErasure(db, { brandId: brand.id, customerId: customer.id, via: "cli" });
      out(status.id);
      note(
        created
          ? `erasure of ${externalId} scheduled for ${status.executeAt.toISOString()} (deadline ${status.deadlineAt.toISOString()}); a running server carries it out`
          : `an erasure of ${externalId} is already ${status.status}`,
      );
    } catch (error) {
      if (error instanceof ErasureRefusedError) throw new UsageError(`--customer: ${error.message}`);
      throw error;
    }
    return;
  }
  if (action === "status" || action === "cancel") {
    const values = parse(argv, { brand: { type: "string" }, id: { type: "string" } });
    const brand = await brandFromSlug(db, required(values, "brand"));
    const requestId = required(values, "id");
    const status = await getErasureStatus(db, { brandId: brand.id, requestId });
    if (!status) throw new UsageError(`brand ${brand.slug} has no erasure request "${requestId}"`);
    if (action === "cancel") {
      if (!(await cancelErasure(db, { brandId: brand.id, requestId })))
        throw new UsageError(
          `the request is ${status.status}: only a scheduled one (in its grace period) can be cancelled`,
        );
      note(`cancelled erasure request ${requestId}`);
    }
    describe((await getErasureStatus(db, { brandId: brand.id, requestId }))!, out);
    return;
  }
  throw new UsageError(`erasure takes "request", "status" or "cancel", not ${JSON.stringify(action ?? "")}`);
}
