// The overview's weekly estimate: the customer's current snapshot and the brand's topics with
// their usual volume, handed to the policy engine's simulation.
import type { Services } from "~/load-context";
import { estimateWeek, type WeeklyEstimate } from "~/policy/estimate";
import { listTopics } from "./topic.server";

export async function weeklyEstimate(
  services: Services,
  owner: { brandId: string; externalId: string },
  now = Date.now(),
): Promise<WeeklyEstimate | null> {
  const [brand, customer, topics] = await Promise.all([
    services.store.brand(owner.brandId),
    services.store.customer(owner.brandId, owner.externalId, now),
    listTopics(services.db, owner.brandId),
  ]);
  if (!brand || !customer) return null;
  return estimateWeek({ brand: brand.policy, customer: customer.snapshot, topics, start: now });
}
