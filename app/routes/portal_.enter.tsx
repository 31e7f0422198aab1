// Where signed links land: the footer link of every message, support's links from the CLI, and
// sign-in links by email. A valid token opens a session and leaves the token out of the
// address bar; an expired one offers a fresh link by email; anything else is refused plainly.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { CsrfField, Status } from "~/components/portal/form";
import { useLocale } from "~/components/use-t";
import { bilingual } from "~/lib/bilingual";
import { readForm } from "~/lib/forms.server";
import { isLocale, LANGUAGE_COOKIE, languageCookie, readCookie } from "~/lib/i18n";
import { isSecure, sessionCookies } from "~/lib/portal-auth.server";
import { readPortalToken } from "~/lib/portal-link.server";
import { MAGIC_PURPOSE, sendMagicLinkInBackground } from "~/lib/portal-mail.server";
import { verifyToken, type TokenPayload } from "~/lib/signed-token.server";
import { fromJson } from "~/lib/json-column";
import { Theme } from "~/lib/vocabulary";
import { createPortalSession, spendOneTimeToken } from "~/models/portal-session.server";

const text = bilingual(
  {
    title: "Lien de connexion",
    expired: "Ce lien a expiré",
    expiredBody:
      "Les liens vers vos préférences ne durent qu'un temps, pour votre sécurité. Nous pouvons vous en envoyer un nouveau à l'adresse e-mail que {brand} connaît pour vous.",
    sendFresh: "M'envoyer un nouveau lien",
    sent: "C'est envoyé : regardez votre boîte de réception (et les indésirables).",
    noEmail: "Nous ne connaissons pas d'adresse e-mail pour vous : demandez un lien à {brand}.",
    used: "Ce lien a déjà servi",
    usedBody: "Un lien de connexion ne fonctionne qu'une fois. Demandez-en un nouveau :",
    invalid: "Ce lien n'est pas valable",
    invalidBody:
      "Il a peut-être été coupé ou modifié en chemin. Ouvrez le lien depuis un message récent, ou demandez-en un nouveau :",
    signIn: "Recevoir un lien par e-mail",
  },
  {
    title: "Sign-in link",
    expired: "This link has expired",
    expiredBody:
      "Links to your preferences only last a while, for your safety. We can send a fresh one to the email address {brand} has for you.",
    sendFresh: "Send me a fresh link",
    sent: "Sent: look in your inbox (and the spam folder).",
    noEmail: "We have no email address for you: ask {brand} for a link.",
    used: "This link was already used",
    usedBody: "A sign-in link works once. Ask for a new one:",
    invalid: "This link is not valid",
    invalidBody:
      "It may have been cut or changed on the way. Open the link from a recent message, or ask for a new one:",
    signIn: "Get a link by email",
  },
);

export const meta: MetaFunction = () => [{ title: "Mesure" }, { name: "robots", content: "noindex" }];

type Refusal = { problem: "expired" | "used" | "invalid"; brand: { name: string; slug: string } | null };

/** A portal link (reusable until it expires) or a sign-in link (once). */
function check(secret: string, token: string, now: Date) {
  const portal = readPortalToken(secret, token, now);
  if (portal.ok || portal.reason !== "wrong_purpose") return { ...portal, once: false };
  return { ...verifyToken(secret, token, MAGIC_PURPOSE, now), once: true };
}

async function brandOf(context: LoaderFunctionArgs["context"], payload: TokenPayload | null) {
  if (!payload) return null;
  return context.services.db.brand.findUnique({ where: { id: payload.b }, select: { name: true, slug: true } });
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  const { db, secret } = context.services;
  const now = new Date();
  const checked = check(secret, token, now);
  if (!checked.ok) {
    // Signed by us but expired: the brand and customer can be trusted, to offer a fresh link.
    const stale = checked.reason === "expired" ? check(secret, token, new Date(0)) : null;
    const payload = stale?.ok ? stale.payload : null;
    return data<Refusal>(
      { problem: checked.reason === "expired" ? "expired" : "invalid", brand: await brandOf(context, payload) },
      { status: checked.reason === "expired" ? 410 : 400 },
    );
  }
  const { payload } = checked;
  const customer = payload.c
    ? await db.customer.findFirst({
        where: { id: payload.c, brandId: payload.b, erasedAt: null },
        select: { id: true, brandId: true, locale: true, brand: { select: { slug: true } } },
      })
    : null;
  if (!customer) return data<Refusal>({ problem: "invalid", brand: await brandOf(context, payload) }, { status: 400 });
  if (checked.once && !(await spendOneTimeToken(db, token, new Date(payload.e * 1000)))) {
    return data<Refusal>({ problem: "used", brand: await brandOf(context, payload) }, { status: 410 });
  }
  const session = await createPortalSession(db, {
    brandId: customer.brandId,
    customerId: customer.id,
    via: checked.once ? "magic_link" : "link",
  });
  const secure = isSecure(context);
  const headers = new Headers({ "Cache-Control": "no-store" });
  for (const cookie of sessionCookies({ ...session, brandSlug: customer.brand.slug }, secure)) {
    headers.append("Set-Cookie", cookie);
  }
  // The portal speaks the customer's language unless this browser already chose one.
  if (!isLocale(readCookie(request.headers.get("Cookie"), LANGUAGE_COOKIE)) && isLocale(customer.locale)) {
    headers.append("Set-Cookie", languageCookie(customer.locale, secure));
  }
  // A message's "why did I get this?" link opens the portal on that page (portal paths only).
  const next = new URL(request.url).searchParams.get("next") ?? "";
  return redirect(/^\/portal(\/[A-Za-z0-9_-]+)*$/.test(next) ? next : "/portal", { headers });
}

/** "Send me a fresh link" on an expired link: to the address on file, never to one typed here. */
export async function action({ request, context }: ActionFunctionArgs) {
  await readForm(request, context.csrf);
  // The form posts back to this address, token and all.
  const token = new URL(request.url).searchParams.get("token") ?? "";
  const stale = check(context.services.secret, token, new Date(0));
  if (!stale.ok || !stale.payload.c) return data({ sent: false, noEmail: false }, { status: 400 });
  const limited =
    !context.services.limits.magicLinkPerIp.take(context.clientIp).ok ||
    !context.services.limits.magicLinkPerEmail.take(`customer:${stale.payload.c}`).ok;
  if (limited) return data({ sent: false, noEmail: false, limited: true }, { status: 429 });
  const customer = await context.services.db.customer.findFirst({
    where: { id: stale.payload.c, brandId: stale.payload.b, erasedAt: null },
    select: { id: true, email: true, locale: true, brand: { select: { id: true, name: true, theme: true } } },
  });
  if (!customer?.email) return { sent: false, noEmail: true };
  const brand = { ...customer.brand, theme: fromJson(Theme, customer.brand.theme, "Brand.theme") };
  sendMagicLinkInBackground(context.services, brand, {
    id: customer.id,
    email: customer.email,
    locale: customer.locale,
  });
  return { sent: true, noEmail: false };
}

export default function Enter() {
  const refusal = useLoaderData<typeof loader>() as Refusal;
  const result = useActionData<typeof action>();
  const locale = useLocale();
  const t = text[locale];
  const brand = refusal.brand?.name ?? "";
  const signIn = `/portal/sign-in${refusal.brand ? `?brand=${encodeURIComponent(refusal.brand.slug)}` : ""}`;
  return (
    <main id="main" className="page narrow">
      <h1>{refusal.problem === "expired" ? t.expired : refusal.problem === "used" ? t.used : t.invalid}</h1>
      {refusal.problem === "expired" ? (
        <>
          <p>{t.expiredBody.replace("{brand}", brand)}</p>
          {result?.sent ? (
            <Status message={t.sent} />
          ) : result?.noEmail ? (
            <Status message={t.noEmail.replace("{brand}", brand)} tone="error" />
          ) : (
            <Form method="post" replace>
              <CsrfField />
              <button type="submit" className="button">
                {t.sendFresh}
              </button>
            </Form>
          )}
        </>
      ) : (
        <>
          <p>{refusal.problem === "used" ? t.usedBody : t.invalidBody}</p>
          <p>
            <Link to={signIn} className="button">
              {t.signIn}
            </Link>
          </p>
        </>
      )}
    </main>
  );
}
