// Where the portal embedded in a brand's site starts: the one-time link the brand's backend
// minted (POST /api/v1/portal-sessions), opened in a frame by embed/v1.js with the framing
// page's origin added. A valid link from a declared site opens a session that only that site
// may frame (cookies partitioned by it) and goes on to the portal; anything else gets a short
// page, itself framed only by the brand's declared sites.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { FramedStorage } from "~/components/portal/framed-storage";
import { useLocale } from "~/components/use-t";
import { crossSiteCookie } from "~/http/security-headers.server";
import { bilingual } from "~/lib/bilingual";
import { isLocale, LANGUAGE_COOKIE, languageCookie, readCookie } from "~/lib/i18n";
import { isSecure, sessionCookies } from "~/lib/portal-auth.server";
import { readEmbedToken } from "~/lib/portal-embed.server";
import { Origin } from "~/lib/vocabulary";
import { createPortalSession, findEmbedTarget, spendOneTimeToken } from "~/models/portal-session.server";

const text = bilingual(
  {
    expired: "Ce lien a expiré",
    expiredBody:
      "Pour votre sécurité, ce lien ne dure que quelques minutes. Rechargez la page pour en obtenir un nouveau.",
    used: "Ce lien a déjà servi",
    usedBody: "Ce lien ne fonctionne qu'une fois. Rechargez la page pour en obtenir un nouveau.",
    invalid: "Ce lien n'est pas valable",
    invalidBody: "Il a peut-être été coupé ou modifié en chemin. Rechargez la page pour réessayer.",
    origin: "Vos préférences ne peuvent pas s'afficher ici",
    originBody:
      "Ce site n'est pas l'un de ceux où la marque a choisi de montrer vos préférences. Ouvrez-les depuis le site de la marque.",
    signIn: "Recevoir un lien de connexion par e-mail",
  },
  {
    expired: "This link has expired",
    expiredBody: "For your safety, this link only lasts a few minutes. Reload the page to get a new one.",
    used: "This link was already used",
    usedBody: "This link works once. Reload the page to get a new one.",
    invalid: "This link is not valid",
    invalidBody: "It may have been cut or changed on the way. Reload the page to try again.",
    origin: "Your preferences cannot be shown here",
    originBody:
      "This site is not one where the brand chose to show your preferences. Open them from the brand's own site.",
    signIn: "Get a sign-in link by email",
  },
);

export const meta: MetaFunction = () => [{ title: "Mesure" }, { name: "robots", content: "noindex" }];

type Refusal = { problem: "expired" | "used" | "invalid" | "origin"; brandSlug: string | null };
const status = { expired: 410, used: 410, invalid: 400, origin: 403 } as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { db, secret } = context.services;
  const query = new URL(request.url).searchParams;
  const headers = { "Cache-Control": "no-store" };
  const refuse = (problem: Refusal["problem"], brand: { slug: string; embedOrigins: string[] } | null) => {
    // The refusal shows in the brand's frame (when the brand is known), never in another site's.
    if (brand) context.allowFraming(brand.embedOrigins);
    return data<Refusal>({ problem, brandSlug: brand?.slug ?? null }, { status: status[problem], headers });
  };

  const read = readEmbedToken(secret, query.get("token") ?? "");
  if (!read.ok) {
    const brand = read.brandId ? (await findEmbedTarget(db, { brandId: read.brandId })).brand : null;
    return refuse(read.reason === "expired" ? "expired" : "invalid", brand);
  }
  const { grant } = read;
  const { brand, customer } = await findEmbedTarget(db, grant);
  if (!brand || !customer) return refuse("invalid", brand);
  // The framing page's origin, added by embed/v1.js: a declared site, and the one the link was
  // minted for when the brand named one. Checked before the link is spent, so a page that may
  // not show it cannot use it up.
  const origin = Origin.safeParse(query.get("origin"));
  const framing = origin.success ? origin.data : null;
  if (!framing || !brand.embedOrigins.includes(framing) || (grant.origin !== null && grant.origin !== framing)) {
    return refuse("origin", brand);
  }
  if (!(await spendOneTimeToken(db, query.get("token")!, grant.expiresAt))) return refuse("used", brand);

  const session = await createPortalSession(db, {
    brandId: grant.brandId,
    customerId: customer.id,
    via: "embed",
    embedOrigin: framing,
  });
  const secure = isSecure(context);
  const redirected = new Headers(headers);
  for (const cookie of sessionCookies({ ...session, brandSlug: brand.slug }, secure, true)) {
    redirected.append("Set-Cookie", cookie);
  }
  // The portal speaks the customer's language unless this frame already chose one.
  const chosen = readCookie(request.headers.get("Cookie"), LANGUAGE_COOKIE);
  if (!isLocale(chosen) && isLocale(customer.locale))
    redirected.append("Set-Cookie", crossSiteCookie(languageCookie(customer.locale, secure)));
  return redirect(grant.page, { headers: redirected });
}

export default function EmbedRefusal() {
  const refusal = useLoaderData<typeof loader>() as Refusal;
  const t = text[useLocale()];
  const body = {
    expired: t.expiredBody,
    used: t.usedBody,
    invalid: t.invalidBody,
    origin: t.originBody,
  }[refusal.problem];
  return (
    <main id="main" className="page narrow">
      <FramedStorage />
      <h1>{t[refusal.problem]}</h1>
      <p>{body}</p>
      {refusal.brandSlug && refusal.problem !== "origin" ? (
        <p>
          <Link to={`/portal/sign-in?brand=${encodeURIComponent(refusal.brandSlug)}`}>{t.signIn}</Link>
        </p>
      ) : null}
    </main>
  );
}
