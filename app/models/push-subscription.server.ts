// Web Push subscriptions: the browsers and devices where a customer accepted notifications, as
// the browser's PushSubscription.toJSON() describes them (RFC 8030 endpoint, RFC 8291 keys).
// Having one is what makes the customer reachable by push, so every addition and removal is
// recorded for the decision snapshots of every process.
import crypto from "node:crypto";
import { z } from "zod";
import { transact } from "~/db/changes.server";
import type { Db, Tx } from "~/db/client.server";
import { mayRegisterHost } from "~/lib/outbound.server";

type Owner = { brandId: string; customerId: string };

/**
 * Devices kept per customer: more than anyone owns, few enough that a customer cannot make
 * Mesure post to an endless list of URLs. Past it, the least recently used one goes.
 */
export const MAX_PUSH_SUBSCRIPTIONS = 20;

/** Push services are reached over https; plain http only on this machine, for tests and local runs. */
function isPushServiceUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  if (url.protocol === "https:") return true;
  return url.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
}

const base64url = (bytes: number, what: string) =>
  z
    .string({ error: "required" })
    .regex(/^[A-Za-z0-9_-]+={0,2}$/, `must be base64url (${what})`)
    .transform((value) => value.replace(/=+$/, ""))
    .refine((value) => Buffer.from(value, "base64url").length === bytes, `must be ${bytes} bytes (${what})`);

/** Whether the bytes are an uncompressed point on P-256 (a browser's key, not just 65 bytes). */
function isP256Point(value: string): boolean {
  try {
    // Decoding checks that the point lies on the curve.
    crypto.ECDH.convertKey(Buffer.from(value, "base64url"), "prime256v1");
    return true;
  } catch {
    return false;
  }
}

export const PushSubscriptionInput = z.object({
  endpoint: z
    .url({ error: "must be a URL" })
    .max(2048, "must be at most 2048 characters")
    .refine(isPushServiceUrl, "must be an https URL")
    // A browser's push service is on the internet; a private address here is someone aiming
    // Mesure at its own network. Refused now rather than at the first send.
    .refine(
      (value) => !URL.canParse(value) || mayRegisterHost(new URL(value).hostname),
      "must not be a private or loopback address",
    ),
  /** Browsers send it (usually null); the push service says when a subscription is gone anyway. */
  expirationTime: z.number().nullish(),
  keys: z.object(
    {
      p256dh: base64url(65, "the browser's P-256 public key").refine(isP256Point, "must be a P-256 public key"),
      auth: base64url(16, "the browser's auth secret"),
    },
    { error: "required" },
  ),
});
export type PushSubscriptionInput = z.input<typeof PushSubscriptionInput>;

const subscriptionSelect = {
  id: true,
  endpoint: true,
  p256dh: true,
  auth: true,
  userAgent: true,
  createdAt: true,
  lastUsedAt: true,
} as const;

/**
 * Saves the browser's subscription for this customer. The endpoint names one browser profile:
 * saved again, its keys are refreshed; held by another customer (a shared computer, someone
 * else signed in before), it moves to this one, and that customer stops being reachable there.
 */
export async function savePushSubscription(
  db: Db,
  owner: Owner,
  input: PushSubscriptionInput,
  meta: { userAgent?: string | null } = {},
) {
  const subscription = PushSubscriptionInput.parse(input);
  const userAgent = (meta.userAgent ?? "").trim().slice(0, 400);
  return transact(db, async (tx, record) => {
    const previous = await tx.pushSubscription.findUnique({
      where: { endpoint: subscription.endpoint },
      select: { brandId: true, customerId: true },
    });
    const fields = {
      brandId: owner.brandId,
      customerId: owner.customerId,
      p256dh: subscription.keys.p256dh,
      auth: subscription.keys.auth,
      userAgent,
    };
    const row = await tx.pushSubscription.upsert({
      where: { endpoint: subscription.endpoint },
      create: { endpoint: subscription.endpoint, ...fields },
      update: fields,
      select: subscriptionSelect,
    });
    const others = await tx.pushSubscription.findMany({
      where: { brandId: owner.brandId, customerId: owner.customerId, id: { not: row.id } },
      select: { id: true, createdAt: true, lastUsedAt: true },
    });
    if (others.length >= MAX_PUSH_SUBSCRIPTIONS) {
      // Last used, or added, most recently first; a device never used counts from when it came.
      const recency = (device: (typeof others)[number]) => (device.lastUsedAt ?? device.createdAt).getTime();
      const surplus = others.sort((a, b) => recency(b) - recency(a)).slice(MAX_PUSH_SUBSCRIPTIONS - 1);
      await tx.pushSubscription.deleteMany({ where: { id: { in: surplus.map((device) => device.id) } } });
    }
    await record({ brandId: owner.brandId, scope: "customer", subjectId: owner.customerId });
    const moved = previous !== null && previous.customerId !== owner.customerId;
    if (moved) await record({ brandId: previous.brandId, scope: "customer", subjectId: previous.customerId });
    return { ...row, created: previous === null, moved };
  });
}

export async function listPushSubscriptions(db: Tx, owner: Owner) {
  return db.pushSubscription.findMany({
    where: { brandId: owner.brandId, customerId: owner.customerId },
    orderBy: { createdAt: "asc" },
    select: subscriptionSelect,
  });
}

/** Removes one of the customer's subscriptions; false when the customer has no such one. */
export async function removePushSubscription(
  db: Db,
  owner: Owner,
  which: { id: string } | { endpoint: string },
): Promise<boolean> {
  return transact(db, async (tx, record) => {
    const { count } = await tx.pushSubscription.deleteMany({
      where: { brandId: owner.brandId, customerId: owner.customerId, ...which },
    });
    if (count > 0) await record({ brandId: owner.brandId, scope: "customer", subjectId: owner.customerId });
    return count > 0;
  });
}

/**
 * Notes that the subscriptions took a message. Not a change the snapshots must learn of (when
 * a device was last used decides nothing), so it is a plain update, not a recorded one: a
 * recorded one would make every process reload the customer after every notification.
 */
export async function touchPushSubscriptions(db: Db, owner: Owner, ids: string[], now = new Date()): Promise<void> {
  if (ids.length === 0) return;
  await db.pushSubscription.updateMany({
    where: { brandId: owner.brandId, customerId: owner.customerId, id: { in: ids } },
    data: { lastUsedAt: now },
  });
}

/** A browser and system named from a User-Agent header, enough for a person to tell devices apart. */
export function describeUserAgent(userAgent: string): { browser: string | null; system: string | null } {
  // Order matters: Edge and Opera say "Chrome", Chrome says "Safari", Android says "Linux".
  const browsers: [RegExp, string][] = [
    [/Edg(e|A|iOS)?\//, "Edge"],
    [/OPR\/|Opera/, "Opera"],
    [/SamsungBrowser\//, "Samsung Internet"],
    [/Firefox\/|FxiOS\//, "Firefox"],
    [/Chrome\/|CriOS\/|Chromium\//, "Chrome"],
    [/Safari\//, "Safari"],
  ];
  const systems: [RegExp, string][] = [
    [/Android/, "Android"],
    [/iPhone|iPad|iPod/, "iOS"],
    [/Mac OS X|Macintosh/, "macOS"],
    [/Windows/, "Windows"],
    [/CrOS/, "ChromeOS"],
    [/Linux/, "Linux"],
  ];
  const find = (list: [RegExp, string][]) => list.find(([pattern]) => pattern.test(userAgent))?.[1] ?? null;
  return { browser: find(browsers), system: find(systems) };
}

/** SHA-256 of an endpoint, in hex: what the portal page compares with its browser's own. */
export function endpointHash(endpoint: string): string {
  return crypto.createHash("sha256").update(endpoint).digest("hex");
}
