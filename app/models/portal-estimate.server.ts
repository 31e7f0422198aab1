// The overview's weekly estimate: the customer's current snapshot and the brand's topics with
// their usual volume, handed to the policy engine's simulation. The simulation runs a few
// hundred decisions, so its result is kept per snapshot: any change to the customer or the brand
// replaces their snapshot entry, which drops the cached estimate with it (a WeakMap key).
import type { BrandEntry, CustomerEntry } from "~/decisions/snapshot-load.server";
import type { Services } from "~/load-context";
import { estimateWeek, type WeeklyEstimate } from "~/policy/estimate";
import { listTopics } from "./topic.server";

/** An estimate is for "a week from now": recomputed at least hourly even without changes. */
const FRESH_MS = 3_600_000;

const cache = new WeakMap<CustomerEntry, { brand: BrandEntry; at: number; estimate: WeeklyEstimate }>();

export async function weeklyEstimate(
  services: Services,
  owner: { brandId: string; externalId: string },
  now = Date.now(),
): Promise<WeeklyEstimate | null> {
  services.store.catchUp();
  const [brand, customer] = await Promise.all([
    services.store.brand(owner.brandId),
    services.store.customer(owner.brandId, owner.externalId, now),
  ]);
  if (!brand || !customer) return null;
  const cached = cache.get(customer);
  if (cached && cached.brand === brand && now - cached.at < FRESH_MS) return cached.estimate;
  // Topic volumes are not in the decision snapshot; a topic change also replaces `brand`.
  const topics = await listTopics(services.db, owner.brandId);
  const estimate = estimateWeek({ brand: brand.policy, customer: customer.snapshot, topics, start: now });
  cache.set(customer, { brand, at: now, estimate });
  return estimate;
}
