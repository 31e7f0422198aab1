// Brands (tenants): creation with their defaults, look-ups by slug, and the privacy settings
// (the sites that may embed Mesure, the cookie banner, the privacy contact, the erasure delay).
import { z } from "zod";
import { transact } from "~/db/changes.server";
import type { Db, Tx } from "~/db/client.server";
import { isUniqueViolation } from "~/db/errors";
import { fromJson, toJson } from "~/lib/json-column";
import { genesisHash } from "~/models/consent.server";
import { CookieConfig, parseCookieConfig } from "~/privacy/cookie-config";
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

export const BrandSettings = z.strictObject({
  /** Sites allowed to embed the banner and the portal; replaces the list. */
  embedOrigins: z.array(Origin).max(50, "must list at most 50 origins").optional(),
  cookieConfig: CookieConfig.optional(),
  /** Where warnings about privacy requests go; null removes it. */
  privacyEmail: z.email("must be an email address").trim().toLowerCase().max(254).nullable().optional(),
  // The erasure itself must fall inside the month GDPR art. 12 allows for answering.
  erasureGraceDays: z
    .number()
    .int()
    .min(0, "must be 0 or more")
    .max(28, "must be at most 28: the erasure must happen within the month the law allows")
    .optional(),
});
export type BrandSettingsInput = z.input<typeof BrandSettings>;
export type BrandSettings = {
  embedOrigins: string[];
  cookieConfig: CookieConfig;
  privacyEmail: string | null;
  erasureGraceDays: number;
};

const settingsSelect = { embedOrigins: true, cookieConfig: true, privacyEmail: true, erasureGraceDays: true } as const;

function toSettings(row: {
  embedOrigins: string;
  cookieConfig: string;
  privacyEmail: string | null;
  erasureGraceDays: number;
}) {
  return {
    embedOrigins: fromJson(z.array(z.string()), row.embedOrigins, "Brand.embedOrigins"),
    cookieConfig: parseCookieConfig(row.cookieConfig),
    privacyEmail: row.privacyEmail,
    erasureGraceDays: row.erasureGraceDays,
  };
}

export async function getBrandSettings(db: Db | Tx, brandId: string): Promise<BrandSettings | null> {
  const row = await db.brand.findUnique({ where: { id: brandId }, select: settingsSelect });
  return row ? toSettings(row) : null;
}

/** The brand's cookie banner configuration, defaults filled in. */
export async function getCookieConfig(db: Db | Tx, brandId: string): Promise<CookieConfig> {
  const row = await db.brand.findUniqueOrThrow({ where: { id: brandId }, select: { cookieConfig: true } });
  return parseCookieConfig(row.cookieConfig);
}

/**
 * Changes the settings given, leaving the others as they are. The cookie configuration is stored
 * with its defaults filled in, so a later change of Mesure's defaults does not alter a banner
 * the brand has set (only its own policy version should do that).
 */
export async function updateBrandSettings(db: Db, brandId: string, input: BrandSettingsInput): Promise<BrandSettings> {
  const data = BrandSettings.parse(input);
  // Recorded as a brand change, so every process's banner configuration learns of it at once.
  const row = await transact(db, async (tx, record) => {
    const updated = await tx.brand.update({
      where: { id: brandId },
      data: {
        embedOrigins: data.embedOrigins && toJson([...new Set(data.embedOrigins)]),
        cookieConfig: data.cookieConfig && toJson(data.cookieConfig),
        privacyEmail: data.privacyEmail,
        erasureGraceDays: data.erasureGraceDays,
      },
      select: settingsSelect,
    });
    await record({ brandId, scope: "brand", subjectId: brandId });
    return updated;
  });
  return toSettings(row);
}

/** What the public embed endpoints need of a brand, by the slug the script was given. */
export async function getEmbedBrand(db: Db | Tx, slug: string) {
  const row = await db.brand.findUnique({
    where: { slug },
    select: { id: true, slug: true, name: true, locales: true, embedOrigins: true, cookieConfig: true },
  });
  if (!row) return null;
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    locales: fromJson(z.array(Locale), row.locales, "Brand.locales"),
    embedOrigins: fromJson(z.array(z.string()), row.embedOrigins, "Brand.embedOrigins"),
    cookieConfig: parseCookieConfig(row.cookieConfig),
  };
}
export type EmbedBrand = NonNullable<Awaited<ReturnType<typeof getEmbedBrand>>>;
