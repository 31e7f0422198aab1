// The brand's customers as CSV, in the import's own columns so that an export imports back as
// it was. Streamed a page of 1,000 customers at a time (by id), so a brand of millions is never
// held in memory; each page is read only when the client has taken the previous one. Erased
// customers (tombstones) are left out. Cells a spreadsheet would run as formulas are defused.
import type { Tx } from "~/db/client.server";
import { batched } from "./batched";
import { IMPORT_COLUMNS } from "./columns";
import { csvLine, UTF8_BOM } from "./csv";

const PAGE = 1_000;

/** What consent_source says on an exported row: the proof itself stays in Mesure's ledger. */
export const EXPORT_CONSENT_SOURCE = "Mesure consent ledger";

type ExportedCustomer = {
  id: string;
  externalId: string;
  email: string | null;
  phone: string | null;
  name: string | null;
  locale: string;
  timezone: string;
  subscriptions: {
    channel: string;
    frequency: string;
    confirmedAt: Date | null;
    updatedAt: Date;
    topic: { key: string; kind: string };
  }[];
};

/**
 * One customer as a row. Only confirmed subscriptions are listed (a pending double opt-in
 * imported back would skip its confirmation); consented_at is the latest opt-in among those that
 * need proof, whose full history stays in the consent ledger.
 */
export function exportRow(customer: ExportedCustomer): string {
  const subscriptions = [...customer.subscriptions].sort((a, b) =>
    `${a.topic.key}:${a.channel}`.localeCompare(`${b.topic.key}:${b.channel}`),
  );
  const proofTimes = subscriptions
    .filter((s) => s.topic.kind !== "transactional")
    .map((s) => (s.confirmedAt ?? s.updatedAt).getTime());
  const consentedAt = proofTimes.length ? new Date(Math.max(...proofTimes)).toISOString() : "";
  return csvLine([
    customer.externalId,
    customer.email,
    customer.phone,
    customer.name,
    customer.locale,
    customer.timezone,
    subscriptions.map((s) => `${s.topic.key}:${s.channel}:${s.frequency}`).join(";"),
    consentedAt,
    consentedAt ? EXPORT_CONSENT_SOURCE : "",
    "",
    "",
  ]);
}

/** The whole export as a stream of UTF-8 bytes, with a byte order mark for spreadsheets. */
export function exportCustomersCsv(db: Tx, brandId: string): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let after: string | null = null;
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(UTF8_BOM + csvLine(IMPORT_COLUMNS)));
        return;
      }
      const customers = await db.customer.findMany({
        where: { brandId, erasedAt: null, ...(after !== null && { id: { gt: after } }) },
        orderBy: { id: "asc" },
        take: PAGE,
        select: { id: true, externalId: true, email: true, phone: true, name: true, locale: true, timezone: true },
      });
      const subscriptions = await batched(
        customers.map((customer) => customer.id),
        (customerIds) =>
          db.subscription.findMany({
            where: { brandId, customerId: { in: customerIds }, status: "subscribed", topic: { archivedAt: null } },
            select: {
              customerId: true,
              channel: true,
              frequency: true,
              confirmedAt: true,
              updatedAt: true,
              topic: { select: { key: true, kind: true } },
            },
          }),
      );
      const byCustomer = new Map<string, ExportedCustomer["subscriptions"]>();
      for (const subscription of subscriptions) {
        const list = byCustomer.get(subscription.customerId) ?? [];
        list.push(subscription);
        byCustomer.set(subscription.customerId, list);
      }
      const page: ExportedCustomer[] = customers.map((customer) => ({
        ...customer,
        subscriptions: byCustomer.get(customer.id) ?? [],
      }));
      if (page.length === 0) {
        controller.close();
        return;
      }
      controller.enqueue(encoder.encode(page.map(exportRow).join("")));
      after = page.at(-1)!.id;
      if (page.length < PAGE) controller.close();
    },
  });
}
