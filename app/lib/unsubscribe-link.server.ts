// One-click unsubscribe links (RFC 8058) for the footer and the List-Unsubscribe header of every
// marketing email: a signed token naming the brand, the customer, the topic and the channel.
// The token is the only credential, so the link works with no cookie and no sign-in; it lasts a
// year, as mail stays in inboxes that long.
import { mintToken, verifyToken } from "./signed-token.server";

export const UNSUBSCRIBE_PURPOSE = "unsubscribe";
export const UNSUBSCRIBE_PATH = "/unsubscribe";
const TTL_SECONDS = 366 * 86_400;

export function unsubscribeLink(
  input: {
    secret: string;
    publicUrl: string;
    brandId: string;
    customerId: string;
    topic: string;
    channel: string;
    /** A digest's link leaves every topic it carried; `topic` is then the first of them. */
    topics?: string[];
  },
  now = new Date(),
): string {
  const token = mintToken(
    input.secret,
    {
      purpose: UNSUBSCRIBE_PURPOSE,
      brandId: input.brandId,
      customerId: input.customerId,
      ttlSeconds: TTL_SECONDS,
      data: {
        topic: input.topic,
        channel: input.channel,
        ...(input.topics && input.topics.length > 1 && { topics: input.topics }),
      },
    },
    now,
  );
  return `${input.publicUrl}${UNSUBSCRIBE_PATH}?token=${encodeURIComponent(token)}`;
}

export function readUnsubscribeToken(secret: string, token: string, now = new Date()) {
  const checked = verifyToken(secret, token, UNSUBSCRIBE_PURPOSE, now);
  if (!checked.ok || !checked.payload.c) return null;
  const { topic, channel, topics } = checked.payload.d ?? {};
  if (typeof topic !== "string" || typeof channel !== "string") return null;
  const all = Array.isArray(topics) && topics.every((key) => typeof key === "string") ? (topics as string[]) : [topic];
  return { brandId: checked.payload.b, customerId: checked.payload.c, topic, topics: all, channel };
}
