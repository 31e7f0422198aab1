// The demo brand "demo": a fashion marketplace with the five topics the portal and the policy
// are shown with, and a handful of customers whose settings exercise every rule. It is built
// through the same model functions as real data, so its consent ledger is a real chain.
import { addMember } from "~/models/member.server";
import type { Db } from "~/db/client.server";
import { createBrand, getBrandBySlug, SlugTakenError } from "~/models/brand.server";
import { upsertCustomer, type CustomerInput } from "~/models/customer.server";
import {
  addAlertFilter,
  setChannelSettings,
  setGeneralSettings,
  setSubscription,
  type ChangeSource,
} from "~/models/preferences.server";
import { createTopic, type Topic, type TopicInput } from "~/models/topic.server";

export const DEMO_SLUG = "demo";
export const DEMO_OWNER_EMAIL = "owner@demo.example";

const designers = [
  "A.P.C.",
  "Ami Paris",
  "Ba&sh",
  "Isabel Marant",
  "Jacquemus",
  "Maison Kitsuné",
  "Sézane",
  "Zadig & Voltaire",
];
const categories = ["accessories", "bags", "coats", "dresses", "jeans", "knitwear", "shoes"];
const sizes = ["XS", "S", "M", "L", "XL", "36", "37", "38", "39", "40", "41", "42"];

export const demoTopics: TopicInput[] = [
  {
    key: "newsletter",
    nameFr: "La lettre de la semaine",
    nameEn: "The weekly letter",
    descriptionFr: "Les nouveautés, les créateurs à suivre et nos coups de cœur, une fois par semaine.",
    descriptionEn: "New arrivals, designers to watch and our favourites, once a week.",
    kind: "marketing",
    channels: ["email"],
    defaultFrequency: "weekly",
    defaultOn: true,
    position: 1,
    weeklyVolume: 1,
  },
  {
    key: "price-drop",
    nameFr: "Baisses de prix",
    nameEn: "Price drops",
    descriptionFr:
      "Une pièce qui vous correspond baisse de prix : créateur, catégorie, taille et prix maximum, à vous de choisir.",
    descriptionEn: "A piece that fits you drops in price: you choose the designer, category, size and maximum price.",
    kind: "alert",
    channels: ["email", "push", "sms"],
    defaultFrequency: "instant",
    filterFields: [
      { key: "designer", type: "set", labelFr: "Créateur", labelEn: "Designer", options: designers },
      { key: "category", type: "set", labelFr: "Catégorie", labelEn: "Category", options: categories },
      { key: "size", type: "set", labelFr: "Taille", labelEn: "Size", options: sizes },
      { key: "price", type: "range", labelFr: "Prix", labelEn: "Price", unit: "EUR" },
    ],
    position: 2,
    weeklyVolume: 6,
  },
  {
    key: "back-in-stock",
    nameFr: "Retour en stock",
    nameEn: "Back in stock",
    descriptionFr: "Une pièce épuisée revient dans votre taille.",
    descriptionEn: "A sold-out piece is back in your size.",
    kind: "alert",
    channels: ["email", "push", "sms"],
    defaultFrequency: "instant",
    filterFields: [
      { key: "product", type: "text", labelFr: "Référence", labelEn: "Product reference" },
      { key: "size", type: "set", labelFr: "Taille", labelEn: "Size", options: sizes },
    ],
    position: 3,
    weeklyVolume: 2,
  },
  {
    key: "order-updates",
    nameFr: "Suivi de commande",
    nameEn: "Order updates",
    descriptionFr:
      "Confirmation, expédition et livraison de vos commandes. Nécessaire au service : ne peut pas être désactivé.",
    descriptionEn: "Confirmation, shipping and delivery of your orders. Needed to serve you: cannot be turned off.",
    kind: "transactional",
    channels: ["email", "sms", "push"],
    defaultFrequency: "instant",
    defaultOn: true,
    position: 0,
    weeklyVolume: 1,
  },
  {
    key: "partner-offers",
    nameFr: "Offres de nos partenaires",
    nameEn: "Partner offers",
    descriptionFr:
      "Des offres sélectionnées chez des marques partenaires. Désactivé tant que vous ne l'avez pas demandé.",
    descriptionEn: "Selected offers from partner brands. Off until you ask for it.",
    kind: "marketing",
    channels: ["email"],
    defaultFrequency: "weekly",
    defaultOn: false,
    doubleOptIn: true,
    position: 4,
    weeklyVolume: 2,
  },
];

const DAY = 86_400_000;

/** Seeds the demo brand unless it exists. Safe to call from several processes at once. */
export async function seedDemo(db: Db, now = new Date()): Promise<{ created: boolean }> {
  if (await getBrandBySlug(db, DEMO_SLUG)) return { created: false };
  let brand;
  try {
    brand = await createBrand(db, {
      slug: DEMO_SLUG,
      name: "Vitrine",
      locales: ["fr", "en"],
      defaultTimezone: "Europe/Paris",
      theme: { primaryColor: "#1f4d3a", accentColor: "#c8553d" },
      embedOrigins: ["http://localhost:8080"],
      globalWeeklyCap: 10,
    });
  } catch (error) {
    if (error instanceof SlugTakenError) return { created: false };
    throw error;
  }
  // Who signs in to the demo's console (magic link through the dev mail catcher, /dev/mail).
  await addMember(db, brand.id, { email: DEMO_OWNER_EMAIL, role: "owner", name: "Demo owner", invitedBy: "seed" });
  const topics: Record<string, Topic> = {};
  for (const input of demoTopics) topics[input.key] = await createTopic(db, brand.id, input);

  const change: ChangeSource = { source: "seed", at: now };
  const customer = async (input: CustomerInput) => {
    const row = await upsertCustomer(db, brand.id, input);
    const owner = { brandId: brand.id, customerId: row.id };
    await setSubscription(
      db,
      owner,
      { topic: topics["order-updates"]!, channel: "email", status: "subscribed" },
      change,
    );
    return owner;
  };

  // Camille, Paris: hunts for Isabel Marant shoes under 300 €, no SMS after 21:00.
  const camille = await customer({
    externalId: "cust-camille",
    email: "camille.martin@example.fr",
    phone: "+33612345678",
    locale: "fr",
    timezone: "Europe/Paris",
  });
  await setSubscription(
    db,
    camille,
    { topic: topics["newsletter"]!, channel: "email", status: "subscribed", frequency: "weekly" },
    change,
  );
  await setSubscription(db, camille, { topic: topics["price-drop"]!, channel: "email", status: "subscribed" }, change);
  await setSubscription(db, camille, { topic: topics["price-drop"]!, channel: "sms", status: "subscribed" }, change);
  await addAlertFilter(
    db,
    camille,
    {
      topic: topics["price-drop"]!,
      label: "Isabel Marant, chaussures 38",
      criteria: {
        designer: { in: ["Isabel Marant"] },
        category: { in: ["shoes"] },
        size: { in: ["38"] },
        price: { max: 300 },
      },
      channel: "email",
    },
    change,
  );
  await setChannelSettings(
    db,
    camille,
    "sms",
    { enabled: true, quietStart: "21:00", quietEnd: "08:00", dailyCap: 1 },
    change,
  );

  // James, New York: monthly newsletter, and "looking for something" for ten days.
  const james = await customer({
    externalId: "cust-james",
    email: "james.walker@example.com",
    locale: "en",
    timezone: "America/New_York",
  });
  await setSubscription(
    db,
    james,
    { topic: topics["newsletter"]!, channel: "email", status: "subscribed", frequency: "monthly" },
    change,
  );
  await setSubscription(db, james, { topic: topics["back-in-stock"]!, channel: "email", status: "subscribed" }, change);
  await addAlertFilter(
    db,
    james,
    {
      topic: topics["back-in-stock"]!,
      label: "Trench coat, M",
      criteria: { product: { eq: "SKU-TRENCH-0042" }, size: { in: ["M"] } },
      channel: "email",
    },
    change,
  );
  await setGeneralSettings(
    db,
    james,
    { contextMode: "looking", contextUntil: new Date(now.getTime() + 10 * DAY), contextTopics: ["back-in-stock"] },
    change,
  );

  // Aroha, Auckland: SMS at most once a day, five messages a week in all; partner offers
  // asked for but not yet confirmed (double opt-in pending, so not consent).
  const aroha = await customer({
    externalId: "cust-aroha",
    email: "aroha.ngata@example.nz",
    phone: "+64211234567",
    locale: "en",
    timezone: "Pacific/Auckland",
  });
  await setSubscription(
    db,
    aroha,
    { topic: topics["newsletter"]!, channel: "email", status: "subscribed", frequency: "weekly" },
    change,
  );
  await setSubscription(db, aroha, { topic: topics["partner-offers"]!, channel: "email", status: "pending" }, change);
  await setChannelSettings(db, aroha, "sms", { enabled: true, dailyCap: 1, weeklyCap: 3 }, change);
  await setGeneralSettings(db, aroha, { globalWeeklyCap: 5, digestHour: 18 }, change);

  // Léa, Paris: a difficult moment; everything paused for two weeks, some subjects excluded.
  const lea = await customer({
    externalId: "cust-lea",
    email: "lea.bernard@example.fr",
    locale: "fr",
    timezone: "Europe/Paris",
  });
  await setSubscription(
    db,
    lea,
    { topic: topics["newsletter"]!, channel: "email", status: "subscribed", frequency: "weekly" },
    change,
  );
  await setGeneralSettings(
    db,
    lea,
    { pausedUntil: new Date(now.getTime() + 14 * DAY), excludedTags: ["pregnancy-baby", "bereavement"] },
    change,
  );

  // Kenji, Tokyo: "just browsing" for a week, no push at all.
  const kenji = await customer({
    externalId: "cust-kenji",
    email: "kenji.sato@example.jp",
    locale: "en",
    timezone: "Asia/Tokyo",
  });
  await setSubscription(
    db,
    kenji,
    { topic: topics["newsletter"]!, channel: "email", status: "subscribed", frequency: "weekly" },
    change,
  );
  await setSubscription(db, kenji, { topic: topics["price-drop"]!, channel: "email", status: "subscribed" }, change);
  await addAlertFilter(
    db,
    kenji,
    {
      topic: topics["price-drop"]!,
      label: "Jacquemus bags",
      criteria: { designer: { in: ["Jacquemus"] }, category: { in: ["bags"] } },
      channel: "email",
      frequency: "daily",
    },
    change,
  );
  await setChannelSettings(db, kenji, "push", { enabled: false }, change);
  await setGeneralSettings(
    db,
    kenji,
    { contextMode: "browsing", contextUntil: new Date(now.getTime() + 7 * DAY) },
    change,
  );

  // Marie, Paris: unsubscribed from the newsletter; order updates only.
  const marie = await customer({
    externalId: "cust-marie",
    email: "marie.dubois@example.fr",
    locale: "fr",
    timezone: "Europe/Paris",
  });
  await setSubscription(
    db,
    marie,
    { topic: topics["newsletter"]!, channel: "email", status: "subscribed", frequency: "weekly" },
    { ...change, at: new Date(now.getTime() - 90 * DAY) },
  );
  await setSubscription(db, marie, { topic: topics["newsletter"]!, channel: "email", status: "unsubscribed" }, change);

  await seedHistory(db, brand.id, topics, { camille, kenji }, now);
  return { created: true };
}

/**
 * A few weeks of past traffic, as the scheduler would have left it, so that the portal's
 * history, "why did I get this?" and the alerts' match counts have something to show. All of it
 * older than a week: no cap window of the demo customers is touched.
 */
async function seedHistory(
  db: Db,
  brandId: string,
  topics: Record<string, Topic>,
  who: { camille: { customerId: string }; kenji: { customerId: string } },
  now: Date,
): Promise<void> {
  const drops: [number, string, string, string, number][] = [
    [9, "Isabel Marant", "shoes", "38", 260],
    [12, "Jacquemus", "bags", "TU", 390],
    [15, "Sézane", "dresses", "38", 95],
    [18, "Isabel Marant", "shoes", "39", 240],
    [22, "A.P.C.", "coats", "M", 310],
    [26, "Isabel Marant", "shoes", "38", 280],
    [29, "Jacquemus", "bags", "TU", 420],
  ];
  const message = (
    owner: { customerId: string },
    topic: Topic,
    daysAgo: number,
    data: { status: string; attributes?: object; reasons?: string[]; sent?: boolean; dueAt?: Date },
  ) => {
    const at = new Date(now.getTime() - daysAgo * DAY);
    return db.message.create({
      data: {
        brandId,
        customerId: owner.customerId,
        topicId: topic.id,
        channels: '["email"]',
        attributes: JSON.stringify(data.attributes ?? {}),
        content: JSON.stringify({ email: { subject: topic.nameFr, text: topic.descriptionFr || topic.nameFr } }),
        status: data.status,
        createdAt: at,
        dueAt: data.dueAt ?? at,
        events: {
          create: { status: data.status, reasons: JSON.stringify(data.reasons ?? []), channel: "email", at },
        },
        ...(data.sent && {
          deliveries: {
            create: {
              brandId,
              customerId: owner.customerId,
              topicKey: topic.key,
              channel: "email",
              priority: "normal",
              sentAt: at,
            },
          },
        }),
      },
      select: { id: true },
    });
  };
  for (const [daysAgo, designer, category, size, price] of drops) {
    const attributes = { designer, category, size, price };
    const forCamille = designer === "Isabel Marant" && size === "38" && price <= 300;
    await message(forCamille ? who.camille : who.kenji, topics["price-drop"]!, daysAgo, {
      status: forCamille || designer === "Jacquemus" ? "sent" : "denied",
      reasons: forCamille || designer === "Jacquemus" ? [] : ["filter.no_match"],
      sent: forCamille || designer === "Jacquemus",
      attributes,
    });
  }
  // Two letters that waited for Camille's weekly digest; the next one is still to come (the
  // seed's messages are history: the worker must find nothing of theirs due).
  await message(who.camille, topics["newsletter"]!, 14, { status: "sent", reasons: ["frequency.digest"], sent: true });
  await message(who.camille, topics["newsletter"]!, 8, { status: "sent", reasons: ["frequency.digest"], sent: true });
  await message(who.camille, topics["newsletter"]!, 1, {
    status: "digested",
    reasons: ["frequency.digest"],
    dueAt: new Date(now.getTime() + 6 * DAY),
  });
  await message(who.camille, topics["partner-offers"]!, 11, { status: "denied", reasons: ["consent.missing"] });
  await db.inboxItem.create({
    data: {
      brandId,
      customerId: who.camille.customerId,
      topicKey: "order-updates",
      title: "Votre commande VT-2291 est expédiée",
      body: "Elle arrivera jeudi ou vendredi. Suivi : La Poste, 6A123456789.",
      createdAt: new Date(now.getTime() - 2 * DAY),
    },
  });
}
