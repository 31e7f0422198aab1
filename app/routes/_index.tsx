// The home page: what Mesure is, for whom, and the demo brand's topics read live from the
// database (so the page also shows the installation works).
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { LanguageSwitch } from "~/components/language-switch";
import { useT } from "~/components/use-t";
import { getDb } from "~/db/client.server";
import { DEMO_SLUG } from "~/db/demo-seed.server";
import { resolveLocale, translate } from "~/lib/i18n";
import { getBrandBySlug } from "~/models/brand.server";
import { listTopics } from "~/models/topic.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  const locale = data?.locale ?? "fr";
  return [
    { title: translate(locale, "meta.title") },
    { name: "description", content: translate(locale, "meta.description") },
  ];
};

export async function loader({ request }: LoaderFunctionArgs) {
  const { locale } = resolveLocale(request);
  const db = getDb();
  const brand = await getBrandBySlug(db, DEMO_SLUG);
  const topics = brand ? await listTopics(db, brand.id) : [];
  return {
    locale,
    brand: brand && { name: brand.name, slug: brand.slug },
    topics: topics.map((topic) => ({
      key: topic.key,
      name: locale === "fr" ? topic.nameFr : topic.nameEn,
      description: locale === "fr" ? topic.descriptionFr : topic.descriptionEn,
      kind: topic.kind,
      channels: topic.channels,
      defaultFrequency: topic.defaultFrequency,
    })),
  };
}

export default function Home() {
  const { brand, topics } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <>
      <header className="site-header">
        <span className="wordmark">Mesure</span>
        <LanguageSwitch />
      </header>
      <main id="main" className="page">
        <section className="hero" aria-labelledby="tagline">
          <h1 id="tagline">{t("home.tagline")}</h1>
          <p className="lead">{t("home.lead")}</p>
        </section>

        <section aria-labelledby="audiences">
          <h2 id="audiences">{t("home.audiences")}</h2>
          <ul className="cards">
            {(["customers", "brands", "systems"] as const).map((who) => (
              <li key={who} className="card">
                <h3>{t(`home.${who}.title`)}</h3>
                <p>{t(`home.${who}.body`)}</p>
              </li>
            ))}
          </ul>
        </section>

        <section aria-labelledby="demo">
          <h2 id="demo">{t("home.demo.title")}</h2>
          {brand ? (
            <>
              <p>{t("home.demo.intro", { name: brand.name, slug: brand.slug })}</p>
              <p>
                <a href={`/portal/sign-in?brand=${brand.slug}`}>{t("home.demo.portal")}</a>
              </p>
              <ul className="topics">
                {topics.map((topic) => (
                  <li key={topic.key} className="topic">
                    <div className="topic-heading">
                      <h3>{topic.name}</h3>
                      <span className={`badge badge-${topic.kind}`}>{t(`kind.${topic.kind}`)}</span>
                    </div>
                    <p>{topic.description}</p>
                    <p className="topic-meta">
                      {t("home.demo.channels", {
                        channels: topic.channels.map((channel) => t(`channel.${channel}`)).join(", "),
                      })}
                      {" · "}
                      {t("home.demo.frequency", { frequency: t(`frequency.${topic.defaultFrequency}`) })}
                    </p>
                  </li>
                ))}
              </ul>
            </>
          ) : (
            <p>{t("home.demo.missing")}</p>
          )}
        </section>

        <section aria-labelledby="start">
          <h2 id="start">{t("home.operators.title")}</h2>
          <p>{t("home.operators.body")}</p>
          <pre className="command" tabIndex={0} role="region" aria-labelledby="start">
            <code>
              npm run -s mesure -- brand create --slug my-brand --name &quot;My brand&quot;{"\n"}npm run -s mesure --
              api-key create --brand my-brand
            </code>
          </pre>
        </section>
      </main>
      <footer className="site-footer">
        <a href="/healthz">{t("footer.health")}</a>
      </footer>
    </>
  );
}
