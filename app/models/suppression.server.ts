// The suppression list: addresses and numbers that must never be contacted again (hard bounce,
// complaint, SMS STOP known to the provider, erasure, by hand). Only a salted hash is kept. Every
// customer of the brand holding that address learns of it through their snapshot at once.
import { transact, type Recorder } from "~/db/changes.server";
import type { Db, Tx } from "~/db/client.server";
import { suppressionHash } from "~/decisions/snapshot-load.server";

export type SuppressionReason = "erased" | "hard_bounce" | "complaint" | "sms_stop" | "manual";
export type Address = { kind: "email"; value: string } | { kind: "phone"; value: string };

/** Adds the address inside the caller's transaction; true when it was not suppressed already. */
export async function addSuppression(
  tx: Tx,
  record: Recorder,
  brandId: string,
  address: Address,
  reason: SuppressionReason,
): Promise<boolean> {
  const valueHash = suppressionHash(brandId, address.kind, address.value);
  const existing = await tx.suppression.findUnique({
    where: { brandId_kind_valueHash: { brandId, kind: address.kind, valueHash } },
    select: { id: true },
  });
  if (existing) return false;
  await tx.suppression.create({ data: { brandId, kind: address.kind, valueHash, reason }, select: { id: true } });
  const owners = await tx.customer.findMany({
    where: address.kind === "email" ? { brandId, email: address.value } : { brandId, phone: address.value },
    select: { id: true },
  });
  for (const owner of owners) await record({ brandId, scope: "customer", subjectId: owner.id });
  return true;
}

export function suppress(db: Db, brandId: string, address: Address, reason: SuppressionReason): Promise<boolean> {
  return transact(db, (tx, record) => addSuppression(tx, record, brandId, address, reason));
}
