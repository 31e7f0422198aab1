// The words each cookie banner showed (ShownCookieText). A cookie choice carries only the hash of
// what the banner said; once the brand publishes another version, the configuration no longer
// holds those words. Kept here, keyed by that hash, they let the console and the receipt show
// what the person answered, and anyone check that it hashes to the value in the ledger.
import type { Tx } from "~/db/client.server";
import { insertRows } from "~/db/bulk.server";
import { fromJson } from "~/lib/json-column";
import { locales, type Locale } from "~/lib/vocabulary";
import { z } from "zod";
import { shownText, textHash, type CookieConfig } from "./cookie-config";

export type ShownCookieText = {
  hash: string;
  policyVersion: string;
  locale: Locale;
  title: string;
  body: string;
  categories: { key: string; name: string; description: string }[];
  firstSeenAt: Date;
};

const columns = ["brandId", "hash", "policyVersion", "locale", "shown", "firstSeenAt"] as const;

/**
 * Keeps the configuration's texts in `languages` (all by default), unless already kept: the
 * first time a text is seen is when it was published or first shown, and that row stays.
 */
export async function keepShownTexts(
  tx: Tx,
  brandId: string,
  config: CookieConfig,
  at: Date,
  languages: readonly Locale[] = locales,
): Promise<void> {
  const rows = await Promise.all(
    languages.map(async (locale) => {
      const shown = shownText(config, locale);
      return [brandId, await textHash(shown), config.policyVersion, locale, shown, at];
    }),
  );
  await insertRows(tx, "ShownCookieText", columns, rows, { ignoreDuplicates: true });
}

const Shown = z.tuple([z.string(), z.string(), z.array(z.tuple([z.string(), z.string(), z.string()]))]);

type Row = { hash: string; policyVersion: string; locale: string; shown: string; firstSeenAt: Date };

function toView(row: Row): ShownCookieText {
  const [title, body, categories] = fromJson(Shown, row.shown, "ShownCookieText.shown");
  return {
    hash: row.hash,
    policyVersion: row.policyVersion,
    locale: row.locale === "en" ? "en" : "fr",
    title,
    body,
    categories: categories.map(([key, name, description]) => ({ key, name, description })),
    firstSeenAt: row.firstSeenAt,
  };
}

const select = { hash: true, policyVersion: true, locale: true, shown: true, firstSeenAt: true } as const;

/** The brand's texts named by these hashes (those it has), by hash. */
export async function findShownTexts(
  db: Tx,
  brandId: string,
  hashes: readonly (string | null)[],
): Promise<Map<string, ShownCookieText & { shown: string }>> {
  const wanted = [...new Set(hashes.filter((hash): hash is string => Boolean(hash)))];
  if (wanted.length === 0) return new Map();
  const rows = await db.shownCookieText.findMany({ where: { brandId, hash: { in: wanted } }, select });
  return new Map(rows.map((row) => [row.hash, { ...toView(row), shown: row.shown }]));
}

/** The brand's texts, newest first: the history of its banner. */
export async function listShownTexts(db: Tx, brandId: string, take = 100): Promise<ShownCookieText[]> {
  const rows = await db.shownCookieText.findMany({
    where: { brandId },
    orderBy: [{ firstSeenAt: "desc" }, { locale: "asc" }],
    take,
    select,
  });
  return rows.map(toView);
}
