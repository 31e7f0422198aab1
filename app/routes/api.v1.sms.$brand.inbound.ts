// POST /api/v1/sms/{brand}/inbound: Twilio's webhook for every SMS a customer sends to the
// brand's number. A STOP is an opt-out Mesure must record exactly as the carrier applies it;
// HELP answers the brand's help text; anything else gets no reply. Twilio signs each call, and
// nothing changes unless the signature is right.
import type { ActionFunctionArgs, AppLoadContext } from "@remix-run/node";
import type { z } from "zod";
import { toApiError } from "~/http/decisions.server";
import { ApiError, errors } from "~/lib/api/errors";
import { readBodyText } from "~/lib/api/request-body.server";
import { InboundSms } from "~/lib/api/sms-schemas";
import { bilingual, format } from "~/lib/bilingual";
import { RateLimiter } from "~/lib/rate-limit";
import { parseSmsKeyword } from "~/lib/sms-keywords";
import { isValidTwilioSignature } from "~/lib/twilio-signature.server";
import { Locale } from "~/lib/vocabulary";
import { customersWithPhone, findSmsBrand, unsubscribeFromSms } from "~/models/sms-opt-out.server";

// Per client address. Twilio calls from a few addresses for all of a brand's traffic, so the
// general limit is generous (a campaign can bring a burst of STOPs); refused signatures are
// what a forger produces, and those are limited hard, as refused API keys are.
const perAddress = new RateLimiter(50, 500);
const refusedSignatures = new RateLimiter(30 / 60, 30);

const MAX_BODY_BYTES = 64 * 1024;

// The portal's address ends each reply, alone on its line: a phone makes it a link, and no
// punctuation after it gets taken into that link.
const text = bilingual(
  {
    stopped:
      "Vous ne recevrez plus de SMS marketing de {brand}. Pour choisir à nouveau ce que vous recevez :\n{portal}",
    start: "Pour recevoir à nouveau des SMS de {brand}, choisissez vos sujets ici :\n{portal}",
    help: "{brand} : les alertes et les offres que vous avez choisies. Répondez STOP pour ne plus recevoir de SMS marketing. Vos préférences :\n{portal}",
  },
  {
    stopped: "You will no longer get marketing SMS from {brand}. To choose what you receive again:\n{portal}",
    start: "To get SMS from {brand} again, choose your topics here:\n{portal}",
    help: "{brand}: the alerts and offers you chose. Reply STOP to stop marketing SMS. Your preferences:\n{portal}",
  },
);

export function loader() {
  return methodNotAllowed();
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  try {
    if (request.method !== "POST") return methodNotAllowed();
    const sms = context.services.sms;
    if (!sms) throw errors.notFound("(path)", "SMS is not configured on this server");
    const address = context.clientIp;
    if (refusedSignatures.exhausted(address)) throw errors.rateLimited(60);
    const allowed = perAddress.take(address);
    if (!allowed.ok) throw errors.rateLimited(allowed.retryAfter);

    const form = await formFields(request);
    if (
      !isValidTwilioSignature(
        sms.authToken,
        request.headers.get("x-twilio-signature"),
        calledUrl(request, context),
        form,
      )
    ) {
      refusedSignatures.take(address);
      throw new ApiError(403, "forbidden", "The X-Twilio-Signature header does not match this request");
    }
    const fields = InboundSms.safeParse(Object.fromEntries(form));
    if (!fields.success) {
      throw new ApiError(400, "invalid_request", `Not a Twilio SMS: ${fields.error.issues[0]!.message}`);
    }
    const brand = await findSmsBrand(context.services.db, params.brand);
    if (!brand) throw errors.notFound("brand", `No brand "${params.brand}"`);
    return twiml(await answer(context, brand, fields.data));
  } catch (error) {
    const apiError = toApiError(error);
    return Response.json(apiError.body, {
      status: apiError.status,
      headers: { ...apiError.headers, "Cache-Control": "no-store" },
    });
  }
}

const keywordOf = { STOP: "stop", START: "start", HELP: "help" } as const;

type InboundBrand = NonNullable<Awaited<ReturnType<typeof findSmsBrand>>>;

/** What to reply to this message, after doing what it asks; null for no reply. */
async function answer(context: AppLoadContext, brand: InboundBrand, sms: z.infer<typeof InboundSms>) {
  // Twilio's verdict first: it blocks the number on its own keywords, and Mesure's record of
  // the customer's consent must agree with what the carrier enforces.
  const keyword = sms.OptOutType ? keywordOf[sms.OptOutType] : parseSmsKeyword(sms.Body);
  if (!keyword) return null;
  const { db, publicUrl } = context.services;
  const customers = await customersWithPhone(db, brand.id, sms.From);
  const locale = Locale.safeParse(customers[0]?.locale).data ?? brand.locales[0] ?? "fr";
  const words = { brand: brand.name, portal: `${publicUrl}/portal/sign-in?brand=${brand.slug}` };
  if (keyword === "stop") {
    for (const customer of customers) await unsubscribeFromSms(db, brand.id, customer.id);
    // Confirmed even when the number is no customer's: the sender asked, and a reply that
    // differed would tell anyone texting in which numbers the brand knows. (Where Twilio
    // answers opt-outs itself, it has blocked the number already and drops this reply.)
    return format(text[locale].stopped, words);
  }
  if (keyword === "help") return brand.smsHelpText[locale] || format(text[locale].help, words);
  // START does not re-subscribe: consent is given per topic and explicitly, and "START" says
  // neither which topics nor that the person read what they would get. The portal asks both.
  return format(text[locale].start, words);
}

/** The form-encoded body, every field as sent (the signature covers them all). */
async function formFields(request: Request): Promise<URLSearchParams> {
  return new URLSearchParams(await readBodyText(request, MAX_BODY_BYTES));
}

/** The URL as Twilio called it: Mesure's public address (proxies in front of it change the
 * host and scheme the request arrives with), then the path and query. */
function calledUrl(request: Request, context: AppLoadContext): string {
  const url = new URL(request.url);
  return `${context.services.publicUrl}${url.pathname}${url.search}`;
}

function twiml(message: string | null): Response {
  const body = message ? `<Response><Message>${escapeXml(message)}</Message></Response>` : "<Response/>";
  return new Response(`<?xml version="1.0" encoding="UTF-8"?>${body}`, {
    headers: { "Content-Type": "text/xml; charset=utf-8", "Cache-Control": "no-store" },
  });
}

function escapeXml(value: string): string {
  return value.replace(/[<>&'"]/g, (character) => `&#${character.charCodeAt(0)};`);
}

function methodNotAllowed(): Response {
  return Response.json(
    new ApiError(405, "method_not_allowed", "Use POST", [{ path: "(method)", message: "must be POST" }]).body,
    { status: 405, headers: { Allow: "POST", "Cache-Control": "no-store" } },
  );
}
