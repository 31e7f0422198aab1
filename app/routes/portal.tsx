// The portal's frame: the brand's name and colours, the navigation between the pages, the
// language switch and sign-out. Every page under /portal requires a session (loader).
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { LanguageSwitch } from "~/components/language-switch";
import { useNonce } from "~/components/nonce";
import { CsrfField } from "~/components/portal/form";
import { themeCss } from "~/components/portal/theme";
import { useLocale } from "~/components/use-t";
import { bilingual } from "~/lib/bilingual";
import { requireVisit } from "~/lib/portal-auth.server";

const text = bilingual(
  {
    title: "Vos préférences — {brand}",
    nav: "Rubriques du portail",
    overview: "Vue d'ensemble",
    subscriptions: "Abonnements",
    alerts: "Alertes",
    channels: "Canaux",
    pause: "Pause et contexte",
    avoid: "Sujets à éviter",
    history: "Historique",
    inbox: "Notifications",
    cookies: "Cookies",
    data: "Vos données",
    unread: "{count} non lues",
    signOut: "Se déconnecter",
    signedInAs: "Connecté·e en tant que {who}",
  },
  {
    title: "Your preferences — {brand}",
    nav: "Portal sections",
    overview: "Overview",
    subscriptions: "Subscriptions",
    alerts: "Alerts",
    channels: "Channels",
    pause: "Pause and context",
    avoid: "Subjects to avoid",
    history: "History",
    inbox: "Notifications",
    cookies: "Cookies",
    data: "Your data",
    unread: "{count} unread",
    signOut: "Sign out",
    signedInAs: "Signed in as {who}",
  },
);

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  const root = matches.find((match) => match.id === "root")?.data as { locale?: "fr" | "en" } | undefined;
  const locale = root?.locale ?? "fr";
  return [{ title: text[locale].title.replace("{brand}", data?.brand.name ?? "") }];
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const visit = await requireVisit(request, context);
  const unread = await context.services.db.inboxItem.count({
    where: { customerId: visit.customer.id, readAt: null },
  });
  return {
    brand: { name: visit.brand.name, logoUrl: visit.brand.theme.logoUrl ?? null, css: themeCss(visit.brand.theme) },
    who: visit.customer.email ?? visit.customer.phone ?? visit.customer.externalId,
    unread,
  };
}

export default function PortalFrame() {
  const { brand, who, unread } = useLoaderData<typeof loader>();
  const locale = useLocale();
  const nonce = useNonce();
  const t = text[locale];
  const links = [
    ["/portal", t.overview],
    ["/portal/subscriptions", t.subscriptions],
    ["/portal/alerts", t.alerts],
    ["/portal/channels", t.channels],
    ["/portal/pause", t.pause],
    ["/portal/avoid", t.avoid],
    ["/portal/history", t.history],
    ["/portal/inbox", t.inbox],
    ["/portal/cookies", t.cookies],
    ["/portal/data", t.data],
  ] as const;
  return (
    <div className="portal">
      <style nonce={nonce}>{brand.css}</style>
      <header className="portal-header">
        <div className="portal-brand">
          {brand.logoUrl ? <img src={brand.logoUrl} alt="" className="portal-logo" /> : null}
          <span>{brand.name}</span>
        </div>
        <div className="portal-tools">
          <span className="portal-who">{t.signedInAs.replace("{who}", who)}</span>
          <LanguageSwitch />
          <Form method="post" action="/portal/sign-out">
            <CsrfField />
            <button type="submit" className="link-button">
              {t.signOut}
            </button>
          </Form>
        </div>
      </header>
      <nav aria-label={t.nav} className="portal-nav">
        <ul>
          {links.map(([to, label]) => (
            <li key={to}>
              <NavLink to={to} end={to === "/portal"} prefetch="intent">
                {label}
                {to === "/portal/inbox" && unread > 0 ? (
                  <span className="badge">
                    <span aria-hidden="true">{unread}</span>
                    <span className="visually-hidden">{` (${t.unread.replace("{count}", String(unread))})`}</span>
                  </span>
                ) : null}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" className="portal-main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
