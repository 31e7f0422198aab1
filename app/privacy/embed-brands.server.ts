// The brand settings the cookie banner's configuration endpoint needs, kept in memory: every page
// view of every brand's site asks for them, and they change rarely. A change committed by any
// process reaches here through the change log (scope "brand"), like the decision snapshots; the
// time limit only covers edits made behind Mesure's back, straight in the database. The brand's
// colours come along, for the portal's modal the same script opens.
import type { Db } from "~/db/client.server";
import { fromJson } from "~/lib/json-column";
import { Theme } from "~/lib/vocabulary";
import { getEmbedBrand, type EmbedBrand as BannerBrand } from "~/models/brand.server";

export type EmbedBrand = BannerBrand & { theme: Theme };

async function loadEmbedBrand(db: Db, slug: string): Promise<EmbedBrand | null> {
  const [brand, colours] = await Promise.all([
    getEmbedBrand(db, slug),
    db.brand.findUnique({ where: { slug }, select: { theme: true } }),
  ]);
  if (!brand) return null;
  return { ...brand, theme: colours ? fromJson(Theme, colours.theme, "Brand.theme") : {} };
}

const TTL_MS = 60_000;
const MAX_BRANDS = 10_000;

export class EmbedBrands {
  private readonly bySlug = new Map<string, { brand: EmbedBrand | null; until: number }>();

  constructor(private readonly db: Db) {}

  /** The brand, or null when there is none by that slug (remembered too, so a bad slug costs one read). */
  async get(slug: string, now = Date.now()): Promise<EmbedBrand | null> {
    const cached = this.bySlug.get(slug);
    if (cached && cached.until > now) return cached.brand;
    const brand = await loadEmbedBrand(this.db, slug);
    if (this.bySlug.size >= MAX_BRANDS) this.bySlug.clear();
    this.bySlug.set(slug, { brand, until: now + TTL_MS });
    return brand;
  }

  /** A brand changed (or was created: a slug remembered as unknown may exist now). */
  forget(brandId: string): void {
    for (const [slug, cached] of this.bySlug)
      if (!cached.brand || cached.brand.id === brandId) this.bySlug.delete(slug);
  }

  forgetEverything(): void {
    this.bySlug.clear();
  }
}
