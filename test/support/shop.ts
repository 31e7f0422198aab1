// A brand of the tests' own for the scheduler ("shop"): topics on every channel, customers made
// to order, an API key, and a way to wait until the worker has done something.
import type { Db } from "~/db/client.server";
import { createApiKey } from "~/models/api-key.server";
import { createBrand } from "~/models/brand.server";
import { upsertCustomer } from "~/models/customer.server";
import { editPreferences, setSubscription } from "~/models/preferences.server";
import { createTopic, type Topic } from "~/models/topic.server";
import type { Channel, Frequency } from "~/lib/vocabulary";

export type Shop = {
  brandId: string;
  key: string;
  topics: Record<"news" | "orders" | "weekly", Topic>;
  customer: (
    externalId: string,
    options?: {
      email?: string | null;
      phone?: string | null;
      timezone?: string;
      locale?: "fr" | "en";
      subscribe?: [keyof Shop["topics"], Channel, Frequency?][];
    },
  ) => Promise<{ id: string; externalId: string }>;
};

export async function createShop(db: Db, slug = "shop"): Promise<Shop> {
  const brand = await createBrand(db, { slug, name: "La Boutique" });
  const everywhere: Channel[] = ["email", "sms", "push", "in_app"];
  const topics = {
    news: await createTopic(db, brand.id, {
      key: "news",
      nameFr: "Nouveautés",
      nameEn: "News",
      kind: "marketing",
      channels: everywhere,
    }),
    orders: await createTopic(db, brand.id, {
      key: "orders",
      nameFr: "Commandes",
      nameEn: "Orders",
      kind: "transactional",
      channels: everywhere,
    }),
    weekly: await createTopic(db, brand.id, {
      key: "weekly",
      nameFr: "La lettre",
      nameEn: "The letter",
      kind: "marketing",
      channels: ["email", "in_app"],
      defaultFrequency: "weekly",
    }),
  };
  const key = (await createApiKey(db, { brandId: brand.id, name: "scheduler tests" })).key;
  return {
    brandId: brand.id,
    key,
    topics,
    async customer(externalId, options = {}) {
      const made = await upsertCustomer(db, brand.id, {
        externalId,
        email: options.email === undefined ? `${externalId}@example.com` : options.email,
        phone: options.phone ?? null,
        timezone: options.timezone ?? "UTC",
        locale: options.locale ?? "en",
      });
      const owner = { brandId: brand.id, customerId: made.id };
      if (options.subscribe?.length) {
        await editPreferences(db, owner, { source: "test" }, async (editor) => {
          for (const [topic, channel, frequency] of options.subscribe!) {
            await editor.setSubscription({ topic: topics[topic], channel, status: "subscribed", frequency });
          }
        });
      }
      return { id: made.id, externalId };
    },
  };
}

export { setSubscription };

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 15_000,
  what = "condition",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
