// Brands (tenants): creation with their defaults, and look-ups by slug.
import { z } from "zod";
import type { Db, Tx } from "~/db/client.server";
import { isUniqueViolation } from "~/db/errors";
import { fromJson, toJson } from "~/lib/json-column";
import { genesisHash } from "~/models/consent.server";
import { Locale, Origin, type SendWindow, Slug, Theme, TimeZone, type Channel } from "~/lib/vocabulary";

export const BrandInput = z.object({
  slug: Slug,
  name: z.string().trim().min(1, "is required").max(120, "must be at most 120 characters"),
  locales: z
    .array(Locale)
    .min(1, "needs at least one locale")
    .refine((list) => new Set(list).size === list.length, "must not repeat a locale")
    .default(["fr", "en"]),
  defaultTimezone: TimeZone.default("Europe/Paris"),
  theme: Theme.default({}),
  embedOrigins: z.array(Origin).default([]),
  globalWeeklyCap: z.number().int().min(0).max(1000).optional(),
});
export type BrandInput = z.input<typeof BrandInput>;

/** Default channel rules for a new brand: SMS only on weekdays and Saturdays, 08:00–20:00 local. */
export const defaultChannelPolicies: { channel: Channel; sendWindows: SendWindow[] }[] = [
  { channel: "email", sendWindows: [] },
  { channel: "sms", sendWindows: [{ days: [1, 2, 3, 4, 5, 6], start: "08:00", end: "20:00" }] },
  { channel: "push", sendWindows: [] },
  { channel: "in_app", sendWindows: [] },
];

const brandSelect = {
  id: true,
  slug: true,
  name: true,
  locales: true,
  defaultTimezone: true,
  theme: true,
  embedOrigins: true,
  globalWeeklyCap: true,
  createdAt: true,
} as const;

type BrandRow = {
  id: string;
  slug: string;
  name: string;
  locales: string;
  defaultTimezone: string;
  theme: string;
  embedOrigins: string;
  globalWeeklyCap: number | null;
  createdAt: Date;
};

function toBrand(row: BrandRow) {
  return {
    ...row,
    locales: fromJson(z.array(Locale), row.locales, "Brand.locales"),
    theme: fromJson(Theme, row.theme, "Brand.theme"),
    embedOrigins: fromJson(z.array(z.string()), row.embedOrigins, "Brand.embedOrigins"),
  };
}
export type Brand = ReturnType<typeof toBrand>;

export class SlugTakenError extends Error {
  constructor(slug: string) {
    super(`A brand with slug "${slug}" already exists`);
  }
}

export async function createBrand(db: Db, input: BrandInput): Promise<Brand> {
  const data = BrandInput.parse(input);
  try {
    return await insertBrand(db, data);
  } catch (error) {
    // Two creations racing past the check below: the database's unique slug decides.
    if (isUniqueViolation(error)) throw new SlugTakenError(data.slug);
    throw error;
  }
}

async function insertBrand(db: Db, data: z.output<typeof BrandInput>): Promise<Brand> {
  return db.$transaction(async (tx) => {
    if (await tx.brand.findUnique({ where: { slug: data.slug }, select: { id: true } })) {
      throw new SlugTakenError(data.slug);
    }
    const row = await tx.brand.create({
      data: {
        slug: data.slug,
        name: data.name,
        locales: toJson(data.locales),
        defaultTimezone: data.defaultTimezone,
        theme: toJson(data.theme),
        embedOrigins: toJson(data.embedOrigins),
        globalWeeklyCap: data.globalWeeklyCap ?? null,
      },
      select: brandSelect,
    });
    await tx.brandChannelPolicy.createMany({
      data: defaultChannelPolicies.map((policy) => ({
        brandId: row.id,
        channel: policy.channel,
        sendWindows: toJson(policy.sendWindows),
      })),
    });
    await tx.consentChain.create({ data: { brandId: row.id, headHash: genesisHash(row.id) } });
    return toBrand(row);
  });
}

export async function getBrandBySlug(db: Db | Tx, slug: string): Promise<Brand | null> {
  const row = await db.brand.findUnique({ where: { slug }, select: brandSelect });
  return row ? toBrand(row) : null;
}

export async function listBrands(db: Db): Promise<Brand[]> {
  const rows = await db.brand.findMany({ select: brandSelect, orderBy: { createdAt: "asc" } });
  return rows.map(toBrand);
}
