// Brands (tenants): creation with their defaults, look-ups by slug, and the privacy settings
// (the sites that may embed Mesure, the cookie banner, the privacy contact, the erasure delay).
import { z } from "zod";
import { transact, type Recorder } from "~/db/changes.server";
import type { Db, Tx } from "~/db/client.server";
import { isUniqueViolation } from "~/db/errors";
import { fromJson, toJson } from "~/lib/json-column";
import { genesisHash } from "~/models/consent.server";
import { CookieConfig, parseCookieConfig } from "~/privacy/cookie-config";
import { keepShownTexts } from "~/privacy/shown-cookie-texts.server";
import { type Channel, channels, Locale, Origin, SendWindow, Slug, Theme, TimeZone } from "~/lib/vocabulary";

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
  return transact(db, (tx, record) => writeBrandSettings(tx, record, brandId, input));
}

/** updateBrandSettings inside the caller's transaction (the console audits the change in the same one). */
export async function writeBrandSettings(
  tx: Tx,
  record: Recorder,
  brandId: string,
  input: BrandSettingsInput,
): Promise<BrandSettings> {
  const data = BrandSettings.parse(input);
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
  // The published words are kept for the consents that will cite them.
  if (data.cookieConfig) await keepShownTexts(tx, brandId, data.cookieConfig, new Date());
  // Recorded as a brand change, so every process's banner configuration learns of it at once.
  await record({ brandId, scope: "brand", subjectId: brandId });
  return toSettings(updated);
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

/** What a brand is called and looks like, where it speaks and from which time zone. */
export const BrandProfile = z.strictObject({
  name: BrandInput.shape.name,
  locales: BrandInput.shape.locales.unwrap(),
  defaultTimezone: TimeZone,
  theme: Theme,
});
export type BrandProfile = z.infer<typeof BrandProfile>;

export async function getBrandProfile(db: Db | Tx, brandId: string): Promise<BrandProfile | null> {
  const row = await db.brand.findUnique({ where: { id: brandId }, select: brandSelect });
  if (!row) return null;
  const brand = toBrand(row);
  return { name: brand.name, locales: brand.locales, defaultTimezone: brand.defaultTimezone, theme: brand.theme };
}

/**
 * Replaces the brand's name, locales, time zone and theme inside the caller's transaction. A
 * brand change: the portal's and the embed script's colours come from these.
 */
export async function writeBrandProfile(
  tx: Tx,
  record: Recorder,
  brandId: string,
  input: z.input<typeof BrandProfile>,
): Promise<BrandProfile> {
  const data = BrandProfile.parse(input);
  await tx.brand.update({
    where: { id: brandId },
    data: {
      name: data.name,
      locales: toJson(data.locales),
      defaultTimezone: data.defaultTimezone,
      theme: toJson(data.theme),
    },
    select: { id: true },
  });
  await record({ brandId, scope: "brand", subjectId: brandId });
  return data;
}

const Cap = (max: number) =>
  z.number().int("must be a whole number").min(0, "must be 0 or more").max(max, `must be at most ${max}`).nullable();

export const ChannelRule = z.strictObject({
  enabled: z.boolean(),
  dailyCap: Cap(100),
  weeklyCap: Cap(500),
  sendWindows: z.array(SendWindow).max(20, "must list at most 20 windows"),
});
export type ChannelRule = z.infer<typeof ChannelRule>;

/** A brand's rules for every channel, its cap across channels and the share of caps kept for `high` messages. */
export const ChannelRules = z.strictObject({
  channels: z.strictObject(
    Object.fromEntries(channels.map((channel) => [channel, ChannelRule])) as Record<Channel, typeof ChannelRule>,
  ),
  globalWeeklyCap: Cap(1000),
  highPriorityReserve: z
    .number()
    .int("must be a whole number")
    .min(0, "must be 0 or more")
    .max(100, "must be at most 100"),
});
export type ChannelRules = z.infer<typeof ChannelRules>;

export async function getChannelRules(db: Db | Tx, brandId: string): Promise<ChannelRules | null> {
  const brand = await db.brand.findUnique({
    where: { id: brandId },
    select: {
      globalWeeklyCap: true,
      highPriorityReserve: true,
      channelPolicies: { select: { channel: true, enabled: true, dailyCap: true, weeklyCap: true, sendWindows: true } },
    },
  });
  if (!brand) return null;
  const rules = Object.fromEntries(
    channels.map((channel) => {
      const row = brand.channelPolicies.find((policy) => policy.channel === channel);
      // No row: the decision engine's own default for a channel (on, no cap, any time).
      const rule: ChannelRule = row
        ? {
            enabled: row.enabled,
            dailyCap: row.dailyCap,
            weeklyCap: row.weeklyCap,
            sendWindows: fromJson(z.array(SendWindow), row.sendWindows, "BrandChannelPolicy.sendWindows"),
          }
        : { enabled: true, dailyCap: null, weeklyCap: null, sendWindows: [] };
      return [channel, rule];
    }),
  ) as Record<Channel, ChannelRule>;
  return { channels: rules, globalWeeklyCap: brand.globalWeeklyCap, highPriorityReserve: brand.highPriorityReserve };
}

/** Replaces the brand's channel rules inside the caller's transaction; the decision snapshot learns of it. */
export async function writeChannelRules(
  tx: Tx,
  record: Recorder,
  brandId: string,
  input: z.input<typeof ChannelRules>,
): Promise<ChannelRules> {
  const data = ChannelRules.parse(input);
  for (const channel of channels) {
    const rule = data.channels[channel];
    const fields = {
      enabled: rule.enabled,
      dailyCap: rule.dailyCap,
      weeklyCap: rule.weeklyCap,
      sendWindows: toJson(rule.sendWindows),
    };
    await tx.brandChannelPolicy.upsert({
      where: { brandId_channel: { brandId, channel } },
      create: { brandId, channel, ...fields },
      update: fields,
      select: { id: true },
    });
  }
  await tx.brand.update({
    where: { id: brandId },
    data: { globalWeeklyCap: data.globalWeeklyCap, highPriorityReserve: data.highPriorityReserve },
    select: { id: true },
  });
  await record({ brandId, scope: "brand", subjectId: brandId });
  return data;
}

/**
 * The time zone the console shows a brand's dates in: the brand's own, so every member reads the
 * same times whatever their browser, and the server and the browser render the same text.
 */
export async function getBrandTimezone(db: Tx, brandId: string): Promise<string> {
  const brand = await db.brand.findUnique({ where: { id: brandId }, select: { defaultTimezone: true } });
  return brand?.defaultTimezone ?? "Europe/Paris";
}
