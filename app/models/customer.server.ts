// Customers: the people a brand knows, identified by the brand's own id for them, with their
// contact points, and where each stored field came from. Their choices live in
// preferences.server.ts.
import { z } from "zod";
import { transact } from "~/db/changes.server";
import type { Db, Tx } from "~/db/client.server";
import { toJson } from "~/lib/json-column";
import { Locale, TimeZone } from "~/lib/vocabulary";
import { appendConsentEvent } from "~/models/consent.server";
import { customerFields, ForgettableField, readFieldSources, type FieldSources } from "~/privacy/fields";

/** The external id a tombstone takes once its customer is erased. */
export const ERASED_PREFIX = "erased:";

export const ExternalId = z
  .string()
  .trim()
  .min(1, "is required")
  .max(200, "must be at most 200 characters")
  .regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces")
  // Erased customers stay as tombstones under "erased:<id>" (app/privacy/erasure.server.ts):
  // no request may reach one, or contact data could be written back into it.
  .refine((id) => !id.startsWith(ERASED_PREFIX), `must not start with "${ERASED_PREFIX}" (kept for erased customers)`);

export const CustomerInput = z.object({
  externalId: ExternalId,
  email: z.email("must be an email address").trim().toLowerCase().max(254).nullish(),
  phone: z
    .string()
    .trim()
    .regex(/^\+[1-9]\d{6,14}$/, "must be an international number in E.164 form, e.g. +33612345678")
    .nullish(),
  /** How the customer likes to be addressed; an empty string clears it like null. */
  name: z
    .string()
    .trim()
    .max(120, "must be at most 120 characters")
    .transform((name) => name || null)
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
  name: true,
  locale: true,
  timezone: true,
  fieldSources: true,
  createdAt: true,
  updatedAt: true,
} as const;

/** The fields upsertCustomer writes, and so records a source for. */
const sourcedFields = ["email", "phone", "name", "locale", "timezone"] as const;

/**
 * Where each field now comes from: `source` for every field this write sets, nothing for a
 * field it clears; fields it leaves out keep their source.
 */
function withSources(
  sources: FieldSources,
  data: Partial<Record<(typeof sourcedFields)[number], string | null | undefined>>,
  source: string,
): FieldSources {
  const next = { ...sources };
  for (const field of sourcedFields) {
    const value = data[field];
    if (value === undefined) continue;
    if (value === null) delete next[field];
    else next[field] = source;
  }
  return next;
}

/**
 * Creates the customer, or updates the existing one. Fields left out stay as they are (an
 * explicit null clears a contact point); a new customer gets the brand's language and zone.
 * Each field set is recorded with its `source` (the API's by default; an import names its own),
 * which the portal shows beside the field's purpose.
 */
export async function upsertCustomer(db: Db, brandId: string, input: CustomerInput, options: { source?: string } = {}) {
  const data = CustomerInput.parse(input);
  const source = options.source ?? "api";
  return transact(db, async (tx, record) => {
    const existing = await tx.customer.findUnique({
      where: { brandId_externalId: { brandId, externalId: data.externalId } },
      select: { id: true, fieldSources: true },
    });
    let customer;
    if (existing) {
      const fields = {
        email: data.email,
        phone: data.phone,
        name: data.name,
        locale: data.locale,
        timezone: data.timezone,
      };
      customer = await tx.customer.update({
        where: { id: existing.id },
        data: { ...fields, fieldSources: toJson(withSources(readFieldSources(existing.fieldSources), fields, source)) },
        select: customerSelect,
      });
    } else {
      const brand = await tx.brand.findUniqueOrThrow({
        where: { id: brandId },
        select: { locales: true, defaultTimezone: true },
      });
      const sources: FieldSources = {
        externalId: source,
        ...withSources({}, { email: data.email, phone: data.phone, name: data.name }, source),
        // Not given: the brand's defaults, and said so.
        locale: data.locale ? source : "default",
        timezone: data.timezone ? source : "default",
      };
      customer = await tx.customer.create({
        data: {
          brandId,
          externalId: data.externalId,
          email: data.email ?? null,
          phone: data.phone ?? null,
          name: data.name ?? null,
          locale: data.locale ?? (JSON.parse(brand.locales) as string[])[0] ?? "fr",
          timezone: data.timezone ?? brand.defaultTimezone,
          fieldSources: toJson(sources),
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

/** The brand's customer (not erased) at this address, as an email to them needs it; null when there is none. */
export async function findCustomerByEmail(db: Tx, input: { brandId: string; email: string }) {
  const customer = await db.customer.findFirst({
    where: { brandId: input.brandId, email: input.email, erasedAt: null },
    select: { id: true, email: true, locale: true },
  });
  return customer?.email ? { ...customer, email: customer.email } : null;
}

/**
 * The customer, with each field Mesure stores for them and where its value came from (null when
 * it is empty or its source was not recorded): what the portal shows and the export holds.
 */
export async function getCustomerFields(db: Tx, owner: { brandId: string; customerId: string }) {
  const customer = await db.customer.findFirstOrThrow({
    where: { id: owner.customerId, brandId: owner.brandId },
    select: customerSelect,
  });
  const sources = readFieldSources(customer.fieldSources);
  const fields = customerFields.map((field) => ({
    field,
    value: customer[field],
    source: customer[field] === null ? null : (sources[field] ?? null),
  }));
  return { ...customer, fields };
}

/**
 * Forgets one optional field (name, phone): the value goes, with its source, and the ledger
 * records that it was forgotten, never the value itself (the ledger must not hold personal
 * data). The snapshot learns of it at commit, so a forgotten phone gets no further SMS.
 * False when there was nothing to forget.
 */
export async function forgetField(
  db: Db,
  input: { brandId: string; customerId: string; field: ForgettableField; source?: string; now?: Date },
): Promise<boolean> {
  const field = ForgettableField.parse(input.field);
  return transact(db, async (tx, record) => {
    const customer = await tx.customer.findFirst({
      where: { id: input.customerId, brandId: input.brandId, erasedAt: null },
      select: { id: true, phone: true, name: true, fieldSources: true },
    });
    if (!customer || customer[field] === null) return false;
    const sources = readFieldSources(customer.fieldSources);
    const previousSource = sources[field] ?? null;
    delete sources[field];
    await tx.customer.update({
      where: { id: customer.id },
      data: { [field]: null, fieldSources: toJson(sources) },
      select: { id: true },
    });
    await record({ brandId: input.brandId, scope: "customer", subjectId: customer.id });
    await appendConsentEvent(tx, {
      brandId: input.brandId,
      customerId: customer.id,
      kind: "data",
      subject: `field:${field}`,
      before: { stored: true, source: previousSource },
      after: { forgotten: true },
      source: input.source ?? "portal",
      at: input.now,
    });
    return true;
  });
}
