// The console's sign-in by email: one signed, one-time link per brand the address belongs to.
// Nothing is sent to an address that belongs to no brand, and the page says the same either way.
import { createElement } from "react";
import ConsoleSignInEmail, { consoleSignInSubject } from "../../emails/console-sign-in";
import type { Services } from "~/load-context";
import { log } from "~/lib/log.server";
import { mintToken } from "~/lib/signed-token.server";
import type { Locale } from "~/lib/vocabulary";
import { membershipsOf } from "~/models/member.server";

export const CONSOLE_PURPOSE = "console";
export const CONSOLE_LINK_MINUTES = 20;

export function consoleEntryUrl(
  services: Pick<Services, "secret" | "publicUrl">,
  brandId: string,
  memberId: string,
  now = new Date(),
): string {
  const token = mintToken(
    services.secret,
    { purpose: CONSOLE_PURPOSE, brandId, ttlSeconds: CONSOLE_LINK_MINUTES * 60, data: { m: memberId } },
    now,
  );
  return `${services.publicUrl}/console/enter?token=${encodeURIComponent(token)}`;
}

export async function sendConsoleSignIn(services: Services, email: string, locale: Locale): Promise<boolean> {
  const memberships = await membershipsOf(services.db, email);
  if (memberships.length === 0) return false;
  const links = memberships.map((membership) => ({
    brand: membership.brand.name,
    url: consoleEntryUrl(services, membership.brand.id, membership.id),
  }));
  const props = { lang: locale, links, minutes: CONSOLE_LINK_MINUTES };
  await services.mailer.send({
    to: email,
    subject: consoleSignInSubject(props),
    email: createElement(ConsoleSignInEmail, props),
  });
  return true;
}

/** Sends without making the visitor wait for the mail server (or learn, by timing, who is a member). */
export function sendConsoleSignInInBackground(services: Services, email: string, locale: Locale): void {
  sendConsoleSignIn(services, email, locale).catch((error: Error) =>
    log.error(`sending a console sign-in link: ${error.message}`),
  );
}
