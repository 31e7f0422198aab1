// The console's frame: the brand, who is signed in with which role, the navigation between
// sections, the language switch and sign-out. Every page under /console requires a member.
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { roleNames, type ConsoleLayoutData } from "~/components/console/page";
import { LanguageSwitch } from "~/components/language-switch";
import { CsrfField } from "~/components/portal/form";
import { useLocale } from "~/components/use-t";
import { requireMember } from "~/console/auth.server";
import { bilingual } from "~/lib/bilingual";
import styles from "~/styles/console.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

const text = bilingual(
  {
    title: "Console — {brand}",
    nav: "Sections de la console",
    dashboard: "Tableau de bord",
    topics: "Sujets",
    channels: "Canaux",
    cookies: "Cookies",
    settings: "Marque et intégration",
    connectors: "Connecteurs",
    webhooks: "Webhooks",
    apiKeys: "Clés d'API",
    team: "Équipe",
    consents: "Consentements",
    privacy: "Demandes RGPD",
    import: "Import et export",
    audit: "Journal d'audit",
    signOut: "Se déconnecter",
  },
  {
    title: "Console — {brand}",
    nav: "Console sections",
    dashboard: "Dashboard",
    topics: "Topics",
    channels: "Channels",
    cookies: "Cookies",
    settings: "Brand and embedding",
    connectors: "Connectors",
    webhooks: "Webhooks",
    apiKeys: "API keys",
    team: "Team",
    consents: "Consents",
    privacy: "Privacy requests",
    import: "Import and export",
    audit: "Audit log",
    signOut: "Sign out",
  },
);

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  const root = matches.find((match) => match.id === "root")?.data as { locale?: "fr" | "en" } | undefined;
  return [
    { title: text[root?.locale ?? "fr"].title.replace("{brand}", data?.brand.name ?? "") },
    { name: "robots", content: "noindex" },
  ];
};

export async function loader({ request, context }: LoaderFunctionArgs): Promise<ConsoleLayoutData> {
  const visit = await requireMember(request, context);
  return {
    member: { email: visit.member.email, name: visit.member.name, role: visit.member.role },
    brand: { slug: visit.brand.slug, name: visit.brand.name },
  };
}

export default function ConsoleFrame() {
  const { member, brand } = useLoaderData<typeof loader>();
  const locale = useLocale();
  const t = text[locale];
  const links = [
    ["/console", t.dashboard],
    ["/console/topics", t.topics],
    ["/console/channels", t.channels],
    ["/console/cookies", t.cookies],
    ["/console/settings", t.settings],
    ["/console/connectors", t.connectors],
    ["/console/webhooks", t.webhooks],
    ["/console/api-keys", t.apiKeys],
    ["/console/team", t.team],
    ["/console/consents", t.consents],
    ["/console/privacy", t.privacy],
    ["/console/import", t.import],
    ["/console/audit", t.audit],
  ] as const;
  return (
    <div className="console">
      <aside className="console-side">
        <p className="console-brand">{brand.name}</p>
        <p className="console-who">
          {member.email} · {roleNames[locale][member.role]}
        </p>
        <nav aria-label={t.nav} className="console-nav">
          <ul>
            {links.map(([to, label]) => (
              <li key={to}>
                <NavLink to={to} end={to === "/console"} prefetch="intent">
                  {label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="console-side-tools">
          <LanguageSwitch />
          <Form method="post" action="/console/sign-out">
            <CsrfField />
            <button type="submit" className="link-button">
              {t.signOut}
            </button>
          </Form>
        </div>
      </aside>
      <main id="main" className="console-main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
