// Customers: the people a brand knows, identified by the brand's own id for them, with their
// contact points. Their choices live in preferences.server.ts.
import { z } from "zod";
import { transact } from "~/db/changes.server";
import type { Db, Tx } from "~/db/client.server";
import { Locale, TimeZone } from "~/lib/vocabulary";

export const ExternalId = z
  .string()
  .trim()
  .min(1, "is required")
  .max(200, "must be at most 200 characters")
  .regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces");

export const CustomerInput = z.object({
  externalId: ExternalId,
  email: z.email("must be an email address").trim().toLowerCase().max(254).nullish(),
  phone: z
    .string()
    .trim()
    .regex(/^\+[1-9]\d{6,14}$/, "must be an international number in E.164 form, e.g. +33612345678")
    .nullish(),
  /** Omitted: unchanged on update, the brand's default on creation. */
  locale: Locale.optional(),
  timezone: TimeZone.optional(),
});
export type CustomerInput = z.input<typeof CustomerInput>;

const customerSelect = {
  id: true,
  externalId: true,
  email: true,
  phone: true,
  locale: true,
  timezone: true,
  createdAt: true,
  updatedAt: true,
} as const;

/**
 * Creates the customer, or updates the existing one. Fields left out stay as they are (an
 * explicit null clears a contact point); a new customer gets the brand's language and zone.
 */
export async function upsertCustomer(db: Db, brandId: string, input: CustomerInput) {
  const data = CustomerInput.parse(input);
  return transact(db, async (tx, record) => {
    const existing = await tx.customer.findUnique({
      where: { brandId_externalId: { brandId, externalId: data.externalId } },
      select: { id: true },
    });
    let customer;
    if (existing) {
      customer = await tx.customer.update({
        where: { id: existing.id },
        data: { email: data.email, phone: data.phone, locale: data.locale, timezone: data.timezone },
        select: customerSelect,
      });
    } else {
      const brand = await tx.brand.findUniqueOrThrow({
        where: { id: brandId },
        select: { locales: true, defaultTimezone: true },
      });
      customer = await tx.customer.create({
        data: {
          brandId,
          externalId: data.externalId,
          email: data.email ?? null,
          phone: data.phone ?? null,
          locale: data.locale ?? (JSON.parse(brand.locales) as string[])[0] ?? "fr",
          timezone: data.timezone ?? brand.defaultTimezone,
        },
        select: customerSelect,
      });
      await tx.customerPreference.create({ data: { brandId, customerId: customer.id }, select: { id: true } });
    }
    // Contact points decide which channels can reach the customer.
    await record({ brandId, scope: "customer", subjectId: customer.id });
    return { ...customer, created: !existing };
  });
}

export async function getCustomer(db: Tx, input: { brandId: string; externalId: string }) {
  return db.customer.findUnique({
    where: { brandId_externalId: { brandId: input.brandId, externalId: input.externalId } },
    select: customerSelect,
  });
}
