// How a person reaches their erasure without a session: a six-digit code by email proves they
// read the mailbox (the page holds a signed token binding brand, customer and a keyed hash of the
// code; nothing is stored until it is used), and a signed status link follows the request after
// the erasure, when signing in is no longer possible. Also the emails that carry both.
import crypto from "node:crypto";
import { createElement } from "react";
import ErasureCodeEmail, { erasureCodeSubject } from "../../emails/erasure-code";
import ErasureScheduledEmail, { erasureScheduledSubject } from "../../emails/erasure-scheduled";
import { formatDate, formatDateTime } from "~/components/portal/words";
import type { Tx } from "~/db/client.server";
import type { Services } from "~/load-context";
import { open, seal, SealError } from "~/lib/encryption.server";
import { log } from "~/lib/log.server";
import { RateLimiter } from "~/lib/rate-limit";
import { mintToken, verifyToken } from "~/lib/signed-token.server";
import type { Locale, Theme } from "~/lib/vocabulary";
import type { ErasureStatus } from "./erasure.server";

export const CODE_PURPOSE = "erasure-code";
/** The purpose the customer id inside a code token is sealed under (app/lib/encryption.server.ts). */
const CODE_SUBJECT_PURPOSE = "erasure-code-subject";
export const CODE_TTL_MINUTES = 15;
export const CODE_TRIES = 5;
export const STATUS_PURPOSE = "erasure-status";
export const STATUS_TTL_DAYS = 90;

type Brand = { id: string; name: string; theme: Theme };

const lang = (locale: string): Locale => (locale === "en" ? "en" : "fr");
const emailBrand = (brand: Brand) => ({ name: brand.name, primaryColor: brand.theme.primaryColor ?? "#1f4d3a" });

// Tries per code token. It lives 15 minutes and the bucket refills one try an hour, so five is
// the most a token ever gets: a million codes cannot be walked through.
const codeTries = new RateLimiter(1 / 3600, CODE_TRIES);

function sha256(text: string): string {
  return crypto.createHash("sha256").update(text).digest("hex");
}

/** Keyed with the server's secret: the token is readable, and a plain hash of six digits is not a secret. */
function codeHash(secret: string, salt: string, customerId: string, code: string): string {
  return crypto.createHmac("sha256", secret).update(`erasure-code:${salt}:${customerId}:${code}`).digest("base64url");
}

/** A look-alike of a customer id (Prisma's cuid: "c" and 24 base-36 characters) that names nobody. */
function decoyCustomerId(): string {
  const alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
  return `c${Array.from(crypto.randomBytes(24), (byte) => alphabet[byte % 36]).join("")}`;
}

/**
 * A code and the token that checks it. For an address nobody holds, a token of the same shape
 * (a decoy customer, a code never sent), so the page cannot tell who is known. The token is
 * readable, so the customer id in it is sealed: in clear, a real id (a cuid, whose first
 * characters are its creation time) would tell itself apart from a decoy.
 */
export function startErasureCode(
  secret: string,
  brandId: string,
  customerId: string | null,
  now = new Date(),
): { token: string; code: string } {
  const code = String(crypto.randomInt(0, 1_000_000)).padStart(6, "0");
  const salt = crypto.randomBytes(12).toString("base64url");
  const subject = customerId ?? decoyCustomerId();
  const token = mintToken(
    secret,
    {
      purpose: CODE_PURPOSE,
      brandId,
      customerId: seal(secret, CODE_SUBJECT_PURPOSE, subject),
      ttlSeconds: CODE_TTL_MINUTES * 60,
      data: { s: salt, h: codeHash(secret, salt, subject, code) },
    },
    now,
  );
  return { token, code };
}

export type CodeCheck =
  | { ok: true; brandId: string; customerId: string; expiresAt: Date }
  | { ok: false; reason: "expired" | "invalid" | "wrong_code" | "too_many" };

/** Checks a code against its token; each call spends one of the token's five tries. */
export function checkErasureCode(secret: string, token: string, code: string, now = new Date()): CodeCheck {
  const checked = verifyToken(secret, token, CODE_PURPOSE, now);
  if (!checked.ok) return { ok: false, reason: checked.reason === "expired" ? "expired" : "invalid" };
  const { payload } = checked;
  const salt = payload.d?.s;
  const expected = payload.d?.h;
  if (!payload.c || typeof salt !== "string" || typeof expected !== "string") return { ok: false, reason: "invalid" };
  let customerId: string;
  try {
    customerId = open(secret, CODE_SUBJECT_PURPOSE, payload.c);
  } catch (error) {
    if (error instanceof SealError) return { ok: false, reason: "invalid" };
    throw error;
  }
  if (!codeTries.take(sha256(token), now.getTime()).ok) return { ok: false, reason: "too_many" };
  const given = Buffer.from(codeHash(secret, salt, customerId, code.trim()));
  const wanted = Buffer.from(expected);
  if (given.length !== wanted.length || !crypto.timingSafeEqual(given, wanted))
    return { ok: false, reason: "wrong_code" };
  return { ok: true, brandId: payload.b, customerId, expiresAt: new Date(payload.e * 1000) };
}

/** The brand's page for asking by email: the form posts back to it with the slug. */
export function erasureCodePage(slug: string): string {
  return `/privacy/erase?brand=${encodeURIComponent(slug)}`;
}

export function erasureStatusPath(secret: string, input: { brandId: string; customerId: string; requestId: string }) {
  const token = mintToken(secret, {
    purpose: STATUS_PURPOSE,
    brandId: input.brandId,
    customerId: input.customerId,
    ttlSeconds: STATUS_TTL_DAYS * 86_400,
    data: { r: input.requestId },
  });
  return `/privacy/erasure/${token}`;
}

export function readErasureStatusToken(
  secret: string,
  token: string,
  now = new Date(),
): { ok: true; brandId: string; requestId: string } | { ok: false; reason: "expired" | "invalid" } {
  const checked = verifyToken(secret, token, STATUS_PURPOSE, now);
  if (!checked.ok) return { ok: false, reason: checked.reason === "expired" ? "expired" : "invalid" };
  const requestId = checked.payload.d?.r;
  if (typeof requestId !== "string") return { ok: false, reason: "invalid" };
  return { ok: true, brandId: checked.payload.b, requestId };
}

/** The names of the brand's systems an erasure would reach now: its enabled connectors. */
export async function connectorNames(db: Tx, brandId: string): Promise<string[]> {
  const rows = await db.connector.findMany({
    where: { brandId, enabled: true },
    orderBy: { createdAt: "asc" },
    select: { name: true },
  });
  return rows.map((row) => row.name);
}

/** Sends the code without making the page wait for the mail server; failures are logged. */
export function sendErasureCodeInBackground(
  services: Services,
  brand: Brand,
  customer: { email: string; locale: string },
  code: string,
): void {
  const props = { lang: lang(customer.locale), brand: emailBrand(brand), code, minutes: CODE_TTL_MINUTES };
  services.mailer
    .send({ to: customer.email, subject: erasureCodeSubject(props), email: createElement(ErasureCodeEmail, props) })
    .catch((error: Error) => log.error(`sending an erasure code for brand ${brand.id}: ${error.message}`));
}

/**
 * Tells the customer their erasure is on its way, with the signed status link. Sent in the
 * background: the address may be erased a moment later, so it is captured now.
 */
export function sendErasureScheduledInBackground(
  services: Services,
  brand: Brand,
  customer: { id: string; email: string | null; locale: string; timezone: string },
  status: ErasureStatus,
  now = new Date(),
): void {
  if (!customer.email) return;
  const locale = lang(customer.locale);
  const props = {
    lang: locale,
    brand: emailBrand(brand),
    executeAt:
      status.executeAt.getTime() > now.getTime()
        ? formatDateTime(locale, status.executeAt.toISOString(), customer.timezone)
        : null,
    deadline: formatDate(locale, status.deadlineAt.toISOString(), customer.timezone),
    systems: status.systems.map((system) => system.name),
    url: `${services.publicUrl}${erasureStatusPath(services.secret, { brandId: brand.id, customerId: customer.id, requestId: status.id })}`,
    days: STATUS_TTL_DAYS,
  };
  services.mailer
    .send({
      to: customer.email,
      subject: erasureScheduledSubject(props),
      email: createElement(ErasureScheduledEmail, props),
    })
    .catch((error: Error) => log.error(`sending an erasure notice for brand ${brand.id}: ${error.message}`));
}
