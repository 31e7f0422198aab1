// Cookies: the customer's current choice for each category of the brand's cookie banner, when
// and under which policy version it was made, changeable here. The change is the customer's
// choice on every browser where the brand has identified them (linked visitors read it).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { CsrfField, Status } from "~/components/portal/form";
import { formatDateTime } from "~/components/portal/words";
import { useLocale } from "~/components/use-t";
import { bilingual, format, plural } from "~/lib/bilingual";
import { readForm } from "~/lib/forms.server";
import { resolveLocale } from "~/lib/i18n";
import { requireVisit } from "~/lib/portal-auth.server";
import { getCookieConfig } from "~/models/brand.server";
import { CategoryKey } from "~/privacy/cookie-config";
import { customerCookieChoice, recordCookieChoice } from "~/privacy/cookie-consent.server";

const text = bilingual(
  {
    title: "Cookies",
    lead: "Ce que vous acceptez sur les sites de {brand}, catégorie par catégorie. Voici ce que la marque en dit :",
    policy: "Lire la politique de confidentialité",
    current: "Votre choix actuel",
    chosenAt: "Choisi le {date}, sous la version {version} de la politique, {source}.",
    notChosen:
      "Vous n'avez encore rien choisi : tant que vous ne l'avez pas fait, seuls les cookies nécessaires sont utilisés.",
    outdated:
      "La politique est passée à la version {version} depuis : le bandeau vous redemandera votre avis sur le site, ou choisissez ici.",
    "source.banner": "sur le site (bandeau cookies)",
    "source.portal": "ici, dans vos préférences",
    "source.visitor_link": "sur le site, avant que vous soyez identifié·e",
    alwaysOn: "Toujours actifs",
    accepted: "Acceptés",
    refused: "Refusés",
    undecided: "Pas encore choisi",
    change: "Modifier mon choix",
    allow: "Autoriser : {name}",
    save: "Enregistrer mon choix",
    reach:
      "Ce choix s'applique sur chaque navigateur où {brand} vous a identifié·e : {browsers} à ce jour, et les suivants dès que vous vous y connecterez.",
    browsersOne: "{count} navigateur",
    browsersMany: "{count} navigateurs",
    saved: "C'est enregistré. Votre choix s'applique dès maintenant partout où vous êtes identifié·e.",
    invalid: "Ce choix ne correspond à aucune catégorie proposée ; rien n'a été enregistré.",
  },
  {
    title: "Cookies",
    lead: "What you accept on {brand}'s sites, category by category. Here is what the brand says about it:",
    policy: "Read the privacy policy",
    current: "Your current choice",
    chosenAt: "Chosen on {date}, under version {version} of the policy, {source}.",
    notChosen: "You have not chosen yet: until you do, only the necessary cookies are used.",
    outdated:
      "The policy has since moved to version {version}: the banner will ask you again on the site, or choose here.",
    "source.banner": "on the site (cookie banner)",
    "source.portal": "here, in your preferences",
    "source.visitor_link": "on the site, before you were signed in",
    alwaysOn: "Always on",
    accepted: "Accepted",
    refused: "Refused",
    undecided: "Not chosen yet",
    change: "Change my choice",
    allow: "Allow: {name}",
    save: "Save my choice",
    reach:
      "This choice applies on every browser where {brand} has identified you: {browsers} so far, and the next ones as soon as you sign in there.",
    browsersOne: "{count} browser",
    browsersMany: "{count} browsers",
    saved: "Saved. Your choice applies from now on wherever you are identified.",
    invalid: "This choice matches none of the categories offered; nothing was saved.",
  },
);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const visit = await requireVisit(request, context);
  const { db } = context.services;
  const config = await getCookieConfig(db, visit.brand.id);
  const { choice, categories, linkedBrowsers } = await customerCookieChoice(db, {
    brandId: visit.brand.id,
    customerId: visit.customer.id,
    config,
  });
  return {
    brand: visit.brand.name,
    timezone: visit.customer.timezone,
    // The banner's own words: the portal's record of this choice proves the same text.
    texts: config.texts,
    policyUrl: config.policyUrl,
    policyVersion: config.policyVersion,
    choice: choice && { at: choice.at, policyVersion: choice.policyVersion, source: choice.source },
    categories,
    linkedBrowsers,
  };
}

const CookieForm = z.object({ categories: z.array(CategoryKey) });

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request, context.csrf);
  const visit = await requireVisit(request, context);
  const { locale } = resolveLocale(request);
  const { db } = context.services;
  const config = await getCookieConfig(db, visit.brand.id);
  const parsed = CookieForm.safeParse({ categories: form.getAll("categories").map(String) });
  const offered = new Set(config.categories.filter((category) => !category.required).map((category) => category.key));
  if (!parsed.success || parsed.data.categories.some((key) => !offered.has(key))) {
    return data({ ok: false }, { status: 400 });
  }
  const chosen = new Set(parsed.data.categories);
  await recordCookieChoice(db, {
    brandId: visit.brand.id,
    customerId: visit.customer.id,
    config,
    locale,
    method: "custom",
    categories: Object.fromEntries([...offered].map((key) => [key, chosen.has(key)])),
    gpc: false,
    source: "portal",
  });
  return { ok: true };
}

export default function Cookies() {
  const { brand, timezone, texts, policyUrl, policyVersion, choice, categories, linkedBrowsers } =
    useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const locale = useLocale();
  const t = text[locale];
  const state = (granted: boolean | null, required: boolean) =>
    required ? t.alwaysOn : granted === null ? t.undecided : granted ? t.accepted : t.refused;
  const sourceWords = (source: string) =>
    source === "banner" || source === "portal" || source === "visitor_link" ? t[`source.${source}`] : source;
  return (
    <>
      <h1>{t.title}</h1>
      {result?.ok ? <Status message={t.saved} /> : null}
      {result && !result.ok ? <Status message={t.invalid} tone="error" /> : null}
      <p>{format(t.lead, { brand })}</p>
      <section className="card" aria-labelledby="banner-title">
        <h2 id="banner-title">{texts[locale].title}</h2>
        <p>{texts[locale].body}</p>
        {policyUrl ? (
          <p>
            <a href={policyUrl} rel="noreferrer">
              {t.policy}
            </a>
          </p>
        ) : null}
      </section>
      <section className="card" aria-labelledby="current-title">
        <h2 id="current-title">{t.current}</h2>
        <p className="notice">
          {choice
            ? format(t.chosenAt, {
                date: formatDateTime(locale, choice.at, timezone),
                version: choice.policyVersion,
                source: sourceWords(choice.source),
              })
            : t.notChosen}
        </p>
        {choice && choice.policyVersion !== policyVersion ? (
          <p className="notice">{format(t.outdated, { version: policyVersion })}</p>
        ) : null}
        <dl className="cookie-choices">
          {categories.map((category) => (
            <div key={category.key}>
              <dt>{category.name[locale]}</dt>
              <dd>
                <strong>{state(category.granted, category.required)}</strong>
                {category.description[locale] ? <span className="hint"> — {category.description[locale]}</span> : null}
              </dd>
            </div>
          ))}
        </dl>
      </section>
      <section className="card" aria-labelledby="change-title">
        <h2 id="change-title">{t.change}</h2>
        <Form method="post" className="stack">
          <CsrfField />
          <fieldset>
            <legend className="visually-hidden">{t.change}</legend>
            {categories
              .filter((category) => !category.required)
              .map((category) => (
                <div key={category.key}>
                  <div className="field checkbox">
                    <input
                      type="checkbox"
                      id={`category-${category.key}`}
                      name="categories"
                      value={category.key}
                      defaultChecked={category.granted === true}
                      aria-describedby={category.description[locale] ? `category-${category.key}-hint` : undefined}
                    />
                    <label htmlFor={`category-${category.key}`}>
                      {format(t.allow, { name: category.name[locale] })}
                    </label>
                  </div>
                  {category.description[locale] ? (
                    <p className="hint" id={`category-${category.key}-hint`}>
                      {category.description[locale]}
                    </p>
                  ) : null}
                </div>
              ))}
          </fieldset>
          <p>
            {format(t.reach, {
              brand,
              browsers: plural(locale, linkedBrowsers, t.browsersOne, t.browsersMany),
            })}
          </p>
          <div>
            <button type="submit" className="button" disabled={navigation.state === "submitting"}>
              {t.save}
            </button>
          </div>
        </Form>
      </section>
    </>
  );
}
