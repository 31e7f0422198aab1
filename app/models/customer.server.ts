// Customers: the people a brand knows, identified by the brand's own id for them, with their
// contact points. Their choices live in preferences.server.ts.
import { z } from "zod";
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
  locale: Locale.default("fr"),
  timezone: TimeZone.default("Europe/Paris"),
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

/** Creates the customer, or updates the contact points of the existing one. */
export async function upsertCustomer(db: Db, brandId: string, input: CustomerInput) {
  const data = CustomerInput.parse(input);
  return db.$transaction(async (tx) => {
    const customer = await tx.customer.upsert({
      where: { brandId_externalId: { brandId, externalId: data.externalId } },
      create: { brandId, ...data },
      update: { email: data.email, phone: data.phone, locale: data.locale, timezone: data.timezone },
      select: customerSelect,
    });
    await tx.customerPreference.upsert({
      where: { customerId: customer.id },
      create: { brandId, customerId: customer.id },
      update: {},
      select: { id: true },
    });
    return customer;
  });
}

export async function getCustomer(db: Tx, input: { brandId: string; externalId: string }) {
  return db.customer.findUnique({
    where: { brandId_externalId: { brandId: input.brandId, externalId: input.externalId } },
    select: customerSelect,
  });
}
