// The emails the portal sends on its own: sign-in links and double opt-in confirmations. Each
// link is a signed token scoped to the brand and the customer; sign-in links work once.
import { createElement } from "react";
import ConfirmSubscriptionEmail, { confirmSubscriptionSubject } from "../../emails/confirm-subscription";
import MagicLinkEmail, { magicLinkSubject } from "../../emails/magic-link";
import type { Services } from "~/load-context";
import { log } from "./log.server";
import { mintToken } from "./signed-token.server";
import type { Channel, Locale, Theme } from "./vocabulary";
import { channelName, topicName } from "~/components/portal/words";

export const MAGIC_PURPOSE = "magic";
export const MAGIC_TTL_MINUTES = 30;
export const CONFIRM_PURPOSE = "confirm";
export const CONFIRM_TTL_DAYS = 7;

type Brand = { id: string; name: string; theme: Theme };
type Recipient = { id: string; email: string; locale: string };

const lang = (locale: string): Locale => (locale === "en" ? "en" : "fr");
const emailBrand = (brand: Brand) => ({ name: brand.name, primaryColor: brand.theme.primaryColor ?? "#1f4d3a" });

export async function sendMagicLink(services: Services, brand: Brand, customer: Recipient): Promise<void> {
  const token = mintToken(services.secret, {
    purpose: MAGIC_PURPOSE,
    brandId: brand.id,
    customerId: customer.id,
    ttlSeconds: MAGIC_TTL_MINUTES * 60,
  });
  const props = {
    lang: lang(customer.locale),
    brand: emailBrand(brand),
    url: `${services.publicUrl}/portal/enter?token=${encodeURIComponent(token)}`,
    minutes: MAGIC_TTL_MINUTES,
  };
  await services.mailer.send({
    to: customer.email,
    subject: magicLinkSubject(props),
    email: createElement(MagicLinkEmail, props),
  });
}

/** Sends a sign-in link without making the visitor wait for the mail server; failures are logged. */
export function sendMagicLinkInBackground(services: Services, brand: Brand, customer: Recipient): void {
  sendMagicLink(services, brand, customer).catch((error: Error) =>
    log.error(`sending a sign-in link for brand ${brand.id}: ${error.message}`),
  );
}

/**
 * Sends a confirmation for each subscription that now waits for one. The subscriptions are
 * saved already; a failed email is logged and the customer can ask again from the portal.
 */
export async function confirmSubscriptions(
  services: Services,
  brand: Brand,
  customer: { id: string; email: string | null; locale: string },
  pending: { topic: { key: string; nameFr: string; nameEn: string }; channel: Channel }[],
): Promise<void> {
  if (!customer.email) return;
  const recipient = { ...customer, email: customer.email };
  const locale = lang(customer.locale);
  for (const { topic, channel } of pending) {
    await sendSubscriptionConfirmation(services, brand, recipient, {
      topicKey: topic.key,
      topicName: topicName(locale, topic),
      channel,
      channelName: channelName(locale, channel),
    }).catch((error: Error) => log.error(`sending an opt-in confirmation: ${error.message}`));
  }
}

async function sendSubscriptionConfirmation(
  services: Services,
  brand: Brand,
  customer: Recipient,
  subscription: { topicKey: string; topicName: string; channel: string; channelName: string },
): Promise<void> {
  const token = mintToken(services.secret, {
    purpose: CONFIRM_PURPOSE,
    brandId: brand.id,
    customerId: customer.id,
    ttlSeconds: CONFIRM_TTL_DAYS * 86_400,
    data: { topic: subscription.topicKey, channel: subscription.channel },
  });
  const props = {
    lang: lang(customer.locale),
    brand: emailBrand(brand),
    topic: subscription.topicName,
    channel: subscription.channelName,
    url: `${services.publicUrl}/portal/confirm?token=${encodeURIComponent(token)}`,
    days: CONFIRM_TTL_DAYS,
  };
  await services.mailer.send({
    to: customer.email,
    subject: confirmSubscriptionSubject(props),
    email: createElement(ConfirmSubscriptionEmail, props),
  });
}
