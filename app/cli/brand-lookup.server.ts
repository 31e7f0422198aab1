// Resolves a --brand slug to the brand, with the error an operator can act on.
import type { Db } from "~/db/client.server";
import { getBrandBySlug } from "~/models/brand.server";
import { UsageError } from "./args";

export async function brandFromSlug(db: Db, slug: string) {
  const brand = await getBrandBySlug(db, slug.trim().toLowerCase());
  if (!brand) throw new UsageError(`no brand with slug "${slug}" (see: mesure brand list)`);
  return brand;
}
