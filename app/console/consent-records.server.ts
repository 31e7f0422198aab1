// Consent records for the console: finding a customer of the brand by external id, email or a
// cookie visitor id, their events from the ledger (the same selection their receipt holds), and
// whether the brand's whole chain still verifies. Reads only; always within the member's brand.
import { z } from "zod";
import type { Tx } from "~/db/client.server";
import { storedConsentEventSelect } from "~/models/consent.server";
import { listCustomerConsentEvents, type LedgerEvent } from "~/privacy/consent-receipt.server";
import { verifyConsentChain, type ChainReport } from "~/privacy/consent-ledger.server";

/** What a member types in the search box: an external id, an email address or a visitor id. */
export const ConsentSearch = z.string().trim().min(1).max(254);
/** A customer id in a link (cuid), checked before it reaches a query. */
export const CustomerIdParam = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

export type CustomerHit = { id: string; externalId: string; email: string | null; erased: boolean };
const hitSelect = { id: true, externalId: true, email: true, erasedAt: true } as const;
const toHit = (row: { id: string; externalId: string; email: string | null; erasedAt: Date | null }): CustomerHit => ({
  id: row.id,
  externalId: row.externalId,
  email: row.email,
  erased: row.erasedAt !== null,
});

/**
 * The brand's customers the query names (by external id, email, or a browser linked to them),
 * and, when it is the id of a browser linked to nobody, that visitor's own cookie choices.
 */
export async function searchConsentRecords(
  db: Tx,
  brandId: string,
  query: string,
): Promise<{ customers: CustomerHit[]; visitorEvents: LedgerEvent[] }> {
  const [byExternalId, byEmail, link] = await Promise.all([
    db.customer.findUnique({ where: { brandId_externalId: { brandId, externalId: query } }, select: hitSelect }),
    query.includes("@")
      ? db.customer.findMany({
          where: { brandId, email: query.toLowerCase() },
          orderBy: { createdAt: "asc" },
          take: 20,
          select: hitSelect,
        })
      : Promise.resolve([]),
    db.visitorLink.findUnique({
      where: { brandId_visitorId: { brandId, visitorId: query } },
      select: { customer: { select: { ...hitSelect, brandId: true } } },
    }),
  ]);
  const found = new Map<string, CustomerHit>();
  for (const row of [byExternalId, ...byEmail, link?.customer.brandId === brandId ? link.customer : null]) {
    if (row) found.set(row.id, toHit(row));
  }
  // A browser nobody was identified on has choices of its own, filed under its visitor id.
  const visitorEvents = link
    ? []
    : await db.consentEvent.findMany({
        where: { brandId, visitorId: query, customerId: null },
        orderBy: { seq: "asc" },
        take: 500,
        select: storedConsentEventSelect,
      });
  return { customers: [...found.values()], visitorEvents };
}

/** The brand's customer with that id, or null (another brand's customer is as unknown as none). */
export async function findBrandCustomer(db: Tx, brandId: string, customerId: string): Promise<CustomerHit | null> {
  const row = await db.customer.findFirst({ where: { id: customerId, brandId }, select: hitSelect });
  return row && toHit(row);
}

export function customerConsentEvents(db: Tx, brandId: string, customerId: string): Promise<LedgerEvent[]> {
  return listCustomerConsentEvents(db, { brandId, customerId });
}

// Verifying walks the brand's whole chain; members browsing records would repeat it on every
// page. A result is reused for a minute while the chain's head is unchanged.
const VERIFIED_FOR_MS = 60_000;
const verified = new Map<string, { head: string; at: number; report: ChainReport }>();

export async function ledgerIntegrity(db: Tx, brandId: string, now = Date.now()): Promise<ChainReport> {
  const chain = await db.consentChain.findUnique({ where: { brandId }, select: { length: true, headHash: true } });
  const head = `${chain?.length ?? 0}:${chain?.headHash ?? ""}`;
  const cached = verified.get(brandId);
  if (cached && cached.head === head && now - cached.at < VERIFIED_FOR_MS) return cached.report;
  const report = await verifyConsentChain(db, brandId);
  verified.set(brandId, { head, at: now, report });
  return report;
}
