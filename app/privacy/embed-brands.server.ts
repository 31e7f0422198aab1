// The brand settings the cookie banner's configuration endpoint needs, kept in memory: every page
// view of every brand's site asks for them, and they change rarely. A change committed by any
// process reaches here through the change log (scope "brand"), like the decision snapshots; the
// time limit only covers edits made behind Mesure's back, straight in the database.
import type { Db } from "~/db/client.server";
import { getEmbedBrand, type EmbedBrand } from "~/models/brand.server";

const TTL_MS = 60_000;
const MAX_BRANDS = 10_000;

export class EmbedBrands {
  private readonly bySlug = new Map<string, { brand: EmbedBrand | null; until: number }>();

  constructor(private readonly db: Db) {}

  /** The brand, or null when there is none by that slug (remembered too, so a bad slug costs one read). */
  async get(slug: string, now = Date.now()): Promise<EmbedBrand | null> {
    const cached = this.bySlug.get(slug);
    if (cached && cached.until > now) return cached.brand;
    const brand = await getEmbedBrand(this.db, slug);
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
