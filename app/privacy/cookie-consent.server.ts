// Cookie choices: each one is a ConsentEvent (kind "cookies") in the brand's hash-chained ledger,
// made by an anonymous visitor (the banner's id) or a customer (the portal). A visitor linked to
// a customer reads and writes the customer's choice, so it follows them to every browser where
// the brand has identified them.
import { z } from "zod";
import { transact } from "~/db/changes.server";
import type { Db, Tx } from "~/db/client.server";
import { isUniqueViolation } from "~/db/errors";
import { fromJson } from "~/lib/json-column";
import type { Locale } from "~/lib/vocabulary";
import { appendConsentEvent } from "~/models/consent.server";
import { ChoiceMethod, type CookieConfig, resolveChoice, shownTextHash } from "./cookie-config";
import { keepShownTexts } from "./shown-cookie-texts.server";

export { VisitorId } from "./cookie-config";

export const cookieSources = ["banner", "portal", "visitor_link"] as const;
export type CookieSource = (typeof cookieSources)[number];

export type CookieChoice = {
  categories: Record<string, boolean>;
  policyVersion: string;
  /** ISO 8601. */
  at: string;
  method: ChoiceMethod;
  gpc: boolean;
  source: string;
};

const ChoiceAfter = z.object({
  categories: z.record(z.string(), z.boolean()),
  method: ChoiceMethod,
  gpc: z.boolean(),
});

const eventSelect = {
  seq: true,
  after: true,
  policyVersion: true,
  shownTextHash: true,
  source: true,
  createdAt: true,
} as const;
type ChoiceEvent = {
  seq: number;
  after: string;
  policyVersion: string;
  shownTextHash: string | null;
  source: string;
  createdAt: Date;
};

function toChoice(event: ChoiceEvent): CookieChoice {
  const after = fromJson(ChoiceAfter, event.after, "ConsentEvent.after");
  return {
    categories: after.categories,
    policyVersion: event.policyVersion,
    at: event.createdAt.toISOString(),
    method: after.method,
    gpc: after.gpc,
    source: event.source,
  };
}

// Latest by chain position: seq orders a brand's events exactly, where two could share a
// millisecond (or a copy could carry an earlier time). Each query narrows by one of
// ConsentEvent's indexes ([brandId, customerId, createdAt] or [brandId, visitorId]) to one
// person's events, which are few.
function latestForCustomer(db: Tx, brandId: string, customerId: string): Promise<ChoiceEvent | null> {
  return db.consentEvent.findFirst({
    where: { brandId, customerId, kind: "cookies" },
    orderBy: { seq: "desc" },
    select: eventSelect,
  });
}

function latestForVisitor(db: Tx, brandId: string, visitorId: string): Promise<ChoiceEvent | null> {
  return db.consentEvent.findFirst({
    where: { brandId, visitorId, kind: "cookies" },
    orderBy: { seq: "desc" },
    select: eventSelect,
  });
}

/** The customer a visitor is linked to, unless that customer has been erased. */
async function linkedCustomer(db: Tx, brandId: string, visitorId: string): Promise<string | null> {
  const link = await db.visitorLink.findUnique({
    where: { brandId_visitorId: { brandId, visitorId } },
    select: { customerId: true, customer: { select: { brandId: true, erasedAt: true } } },
  });
  if (!link || link.customer.erasedAt || link.customer.brandId !== brandId) return null;
  return link.customerId;
}

/**
 * The current choice: a customer's own latest; a visitor's customer's latest once the visitor is
 * linked (it follows them across devices), otherwise the visitor's own latest.
 */
export async function getCookieChoice(
  db: Tx,
  input: { brandId: string; visitorId?: string | null; customerId?: string | null },
): Promise<CookieChoice | null> {
  const customerId =
    input.customerId ?? (input.visitorId ? await linkedCustomer(db, input.brandId, input.visitorId) : null);
  const event = customerId
    ? await latestForCustomer(db, input.brandId, customerId)
    : input.visitorId
      ? await latestForVisitor(db, input.brandId, input.visitorId)
      : null;
  return event ? toChoice(event) : null;
}

export type CookieChoiceInput = {
  brandId: string;
  config: CookieConfig;
  visitorId?: string | null;
  customerId?: string | null;
  /** The language the banner or page was shown in: its text is what the hash proves. */
  locale: Locale;
  method: ChoiceMethod;
  /** Only read for "custom"; unknown keys must have been refused by the caller. */
  categories: Record<string, boolean>;
  gpc: boolean;
  source: CookieSource;
  now?: Date;
};

/**
 * Records a choice as one consent event, `before` being the choice it replaces. A linked
 * visitor's choice is stored with both ids, so it becomes the customer's choice everywhere.
 */
export async function recordCookieChoice(db: Db, input: CookieChoiceInput): Promise<CookieChoice> {
  if (!input.visitorId && !input.customerId) throw new Error("A cookie choice needs a visitor or a customer");
  const categories = resolveChoice(input.config, input);
  const at = input.now ?? new Date();
  const textHash = await shownTextHash(input.config, input.locale);
  // Cookie choices change no decision about messages, so no snapshot needs to hear of them.
  const choice = await transact(db, async (tx) => {
    // The words behind the hash, in the event's transaction: an event never cites a text that
    // was not kept. Once per process and text (a published version is usually kept already).
    if (!keptTexts.has(`${input.brandId}:${textHash}`)) {
      await keepShownTexts(tx, input.brandId, input.config, at, [input.locale]);
    }
    const customerId =
      input.customerId ?? (input.visitorId ? await linkedCustomer(tx, input.brandId, input.visitorId) : null);
    const previous = customerId
      ? await latestForCustomer(tx, input.brandId, customerId)
      : await latestForVisitor(tx, input.brandId, input.visitorId!);
    const after = { categories, method: input.method, gpc: input.gpc };
    await appendConsentEvent(tx, {
      brandId: input.brandId,
      customerId,
      visitorId: input.visitorId ?? null,
      kind: "cookies",
      subject: "cookies",
      before: previous ? toChoice(previous).categories : null,
      after,
      source: input.source,
      policyVersion: input.config.policyVersion,
      shownTextHash: textHash,
      at,
    });
    return {
      ...after,
      policyVersion: input.config.policyVersion,
      at: new Date(Math.floor(at.getTime())).toISOString(),
      source: input.source,
    };
  });
  // Remembered only once committed: a rolled-back transaction kept nothing.
  if (keptTexts.size > 10_000) keptTexts.clear();
  keptTexts.add(`${input.brandId}:${textHash}`);
  return choice;
}

/** "brandId:hash" of the texts this process has seen kept. */
const keptTexts = new Set<string>();

export type LinkResult = {
  /** false when the visitor was already linked to this customer. */
  created: boolean;
  /** The visitor's choice was newer than the customer's and became theirs. */
  copied: boolean;
  choice: CookieChoice | null;
};

/**
 * Links a browser to a customer (the brand's backend knows both once the person signs in).
 * A visitor linked to someone else is moved: the browser now belongs to whoever signed in last.
 * If the visitor's latest choice is newer than the customer's, the customer takes it (source
 * "visitor_link", with the time, policy version and text hash of the visitor's choice). Null
 * when the brand has no such customer.
 */
export async function linkVisitor(
  db: Db,
  input: { brandId: string; visitorId: string; externalId: string },
): Promise<LinkResult | null> {
  try {
    return await linkOnce(db, input);
  } catch (error) {
    // Two links of one new visitor racing: the second sees the first's row on its retry.
    if (isUniqueViolation(error)) return linkOnce(db, input);
    throw error;
  }
}

async function linkOnce(
  db: Db,
  input: { brandId: string; visitorId: string; externalId: string },
): Promise<LinkResult | null> {
  return transact(db, async (tx) => {
    const customer = await tx.customer.findUnique({
      where: { brandId_externalId: { brandId: input.brandId, externalId: input.externalId } },
      select: { id: true, erasedAt: true },
    });
    if (!customer || customer.erasedAt) return null;
    const link = await tx.visitorLink.findUnique({
      where: { brandId_visitorId: { brandId: input.brandId, visitorId: input.visitorId } },
      select: { id: true, customerId: true },
    });
    if (!link) {
      await tx.visitorLink.create({
        data: { brandId: input.brandId, visitorId: input.visitorId, customerId: customer.id },
        select: { id: true },
      });
    } else if (link.customerId !== customer.id) {
      await tx.visitorLink.update({ where: { id: link.id }, data: { customerId: customer.id }, select: { id: true } });
    }

    const visitorLatest = await latestForVisitor(tx, input.brandId, input.visitorId);
    const customerLatest = await latestForCustomer(tx, input.brandId, customer.id);
    const copy = visitorLatest && (!customerLatest || visitorLatest.seq > customerLatest.seq);
    if (copy) {
      const chosen = toChoice(visitorLatest);
      await appendConsentEvent(tx, {
        brandId: input.brandId,
        customerId: customer.id,
        visitorId: input.visitorId,
        kind: "cookies",
        subject: "cookies",
        before: customerLatest ? toChoice(customerLatest).categories : null,
        after: { categories: chosen.categories, method: chosen.method, gpc: chosen.gpc },
        source: "visitor_link",
        policyVersion: visitorLatest.policyVersion,
        shownTextHash: visitorLatest.shownTextHash,
        // When the person chose, not when the brand linked them: the re-prompt delays run from
        // it on every browser, and a link must not make a consent last longer.
        at: visitorLatest.createdAt,
      });
    }
    const current = await latestForCustomer(tx, input.brandId, customer.id);
    return {
      created: !link || link.customerId !== customer.id,
      copied: Boolean(copy),
      choice: current ? toChoice(current) : null,
    };
  });
}

export type CategoryChoice = {
  key: string;
  name: { fr: string; en: string };
  description: { fr: string; en: string };
  required: boolean;
  /** null: never chosen (or the category is newer than the choice). */
  granted: boolean | null;
};

/** What the portal's Cookies page shows: each category with the customer's current choice. */
export async function customerCookieChoice(
  db: Tx,
  input: { brandId: string; customerId: string; config: CookieConfig },
): Promise<{ choice: CookieChoice | null; categories: CategoryChoice[]; linkedBrowsers: number }> {
  const [choice, linkedBrowsers] = await Promise.all([
    getCookieChoice(db, { brandId: input.brandId, customerId: input.customerId }),
    db.visitorLink.count({ where: { brandId: input.brandId, customerId: input.customerId } }),
  ]);
  const categories = input.config.categories.map((category) => ({
    key: category.key,
    name: category.name,
    description: category.description,
    required: category.required,
    granted: category.required ? true : (choice?.categories[category.key] ?? null),
  }));
  return { choice, categories, linkedBrowsers };
}

/** The banner's configuration as GET /embed/v1/config answers it (and a 409 repeats it). */
export async function bannerConfig(
  db: Tx,
  input: {
    brand: { id: string; slug: string; name: string; locales: Locale[]; cookieConfig: CookieConfig };
    visitorId?: string | null;
    /** The request carried `Sec-GPC: 1`. */
    gpc: boolean;
  },
) {
  const config = input.brand.cookieConfig;
  const choice = input.visitorId
    ? await getCookieChoice(db, { brandId: input.brand.id, visitorId: input.visitorId })
    : null;
  return {
    brand: { slug: input.brand.slug, name: input.brand.name },
    locales: input.brand.locales,
    policyVersion: config.policyVersion,
    policyUrl: config.policyUrl,
    refusalMonths: config.refusalMonths,
    consentMonths: config.consentMonths,
    texts: config.texts,
    categories: config.categories,
    gpc: input.gpc,
    choice,
  };
}
