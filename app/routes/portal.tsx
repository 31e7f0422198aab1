// The portal's frame: the brand's name and colours, the navigation between the pages, the
// language switch and sign-out. Every page under /portal requires a session (loader). A session
// opened inside a brand's site (embed) renders compactly, may be framed by that site only, and
// tells it the page's height so the frame fits its content.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { type RefObject, useEffect, useRef } from "react";
import { LanguageSwitch } from "~/components/language-switch";
import { useNonce } from "~/components/nonce";
import { CsrfField } from "~/components/portal/form";
import { FramedStorage } from "~/components/portal/framed-storage";
import { themeCss } from "~/components/portal/theme";
import { useLocale } from "~/components/use-t";
import { bilingual } from "~/lib/bilingual";
import { allowEmbedding, requireVisit } from "~/lib/portal-auth.server";

/** What the frame tells the brand's page (embed/v1.js listens for them). */
const RESIZE_MESSAGE = "mesure:portal:resize";
const ESCAPE_MESSAGE = "mesure:portal:escape";
// Inside a frame sized to its content, a full-viewport minimum height would only ever grow.
const EMBEDDED_CSS = ".portal-embedded{min-height:0}.portal-embedded .portal-main{padding-bottom:1.5rem}";

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
  const embedOrigin = allowEmbedding(visit, context);
  const unread = await context.services.db.inboxItem.count({
    where: { customerId: visit.customer.id, readAt: null },
  });
  return {
    brand: { name: visit.brand.name, logoUrl: visit.brand.theme.logoUrl ?? null, css: themeCss(visit.brand.theme) },
    who: visit.customer.email ?? visit.customer.phone ?? visit.customer.externalId,
    unread,
    embedOrigin,
  };
}

/**
 * Tells the brand's page (that origin only, never "*") the portal's height whenever it changes,
 * and that Escape was pressed in here: the keys of a frame never reach its parent's document,
 * and Escape must close the modal holding it wherever the focus is.
 */
function useFitFrame(element: RefObject<HTMLDivElement | null>, origin: string | null) {
  useEffect(() => {
    const node = element.current;
    if (!origin || !node || window.parent === window) return;
    const parent = window.parent;
    let last = -1;
    const post = () => {
      const height = Math.ceil(node.getBoundingClientRect().height);
      if (height === last) return;
      last = height;
      parent.postMessage({ type: RESIZE_MESSAGE, height }, origin);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape" && !event.defaultPrevented) parent.postMessage({ type: ESCAPE_MESSAGE }, origin);
    };
    post();
    const observer = new ResizeObserver(post);
    observer.observe(node);
    document.addEventListener("keydown", onKey);
    return () => {
      observer.disconnect();
      document.removeEventListener("keydown", onKey);
    };
  }, [element, origin]);
}

export default function PortalFrame() {
  const { brand, who, unread, embedOrigin } = useLoaderData<typeof loader>();
  const locale = useLocale();
  const nonce = useNonce();
  const t = text[locale];
  const frame = useRef<HTMLDivElement>(null);
  useFitFrame(frame, embedOrigin);
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
    <div className={embedOrigin ? "portal portal-embedded" : "portal"} ref={frame}>
      <style nonce={nonce}>{embedOrigin ? brand.css + EMBEDDED_CSS : brand.css}</style>
      {embedOrigin ? <FramedStorage /> : null}
      <header className="portal-header">
        <div className="portal-brand">
          {brand.logoUrl ? <img src={brand.logoUrl} alt="" className="portal-logo" /> : null}
          <span>{brand.name}</span>
        </div>
        <div className="portal-tools">
          <span className="portal-who">{t.signedInAs.replace("{who}", who)}</span>
          <LanguageSwitch />
          {/* Inside the brand's site, the brand's own sign-out ends the visit. */}
          {embedOrigin ? null : (
            <Form method="post" action="/portal/sign-out">
              <CsrfField />
              <button type="submit" className="link-button">
                {t.signOut}
              </button>
            </Form>
          )}
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
