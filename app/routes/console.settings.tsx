// /console/settings: the brand (name, colours, logo, languages, time zone), the sites that may
// embed the banner and the portal, the privacy contact and the erasure delay; and the snippet
// to copy into the brand's site and backend.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import type { FormEvent } from "react";
import { ConsolePage, useConsoleMember } from "~/components/console/page";
import { CsrfField, errorId, FieldError, invalid, Status } from "~/components/portal/form";
import { useLocale } from "~/components/use-t";
import { requireMember } from "~/console/auth.server";
import { consoleForm } from "~/console/form.server";
import { draftOfBrand, draftOfBrandForm, parseBrandDraft, type BrandDraft } from "~/console/settings/brand-form.server";
import { saveBrandFromConsole } from "~/console/settings/brand-settings.server";
import { bilingual } from "~/lib/bilingual";
import { locales } from "~/lib/vocabulary";
import { getBrandProfile, getBrandSettings } from "~/models/brand.server";

const text = bilingual(
  {
    title: "Marque et intégration",
    lead: "Comment la marque apparaît dans le portail et le bandeau, et les sites qui peuvent les intégrer.",
    identity: "La marque",
    name: "Nom",
    primaryColor: "Couleur principale",
    accentColor: "Couleur d'accent",
    colourPicker: "{name} (sélecteur)",
    colourHint: "Au format #rrggbb. Videz le champ pour revenir à la couleur de Mesure.",
    logoUrl: "Adresse du logo",
    logoHint: "Facultative. Une adresse https://.",
    languages: "Langues du portail",
    defaultLocale: "Langue par défaut",
    locale_fr: "Français",
    locale_en: "Anglais",
    defaultTimezone: "Fuseau horaire par défaut",
    timezoneHint: "Celui des clients dont on ne connaît pas le fuseau, par exemple Europe/Paris.",
    embedding: "Intégration",
    embedOrigins: "Sites autorisés à intégrer le portail et le bandeau",
    originsHint:
      "Une origine par ligne, par exemple https://boutique.example ou https://boutique.example:8443. http n'est accepté que pour localhost et 127.0.0.1. Tout autre site est refusé.",
    privacy: "Vie privée",
    privacyEmail: "Adresse du délégué à la protection des données",
    privacyEmailHint: "Facultative. Reçoit les alertes sur les demandes RGPD.",
    erasureGraceDays: "Délai avant un effacement (jours)",
    graceHint: "De 0 à 28 jours, pendant lesquels le client peut annuler sa demande.",
    save: "Enregistrer",
    saving: "Enregistrement…",
    saved: "C'est enregistré.",
    fix: "Certains champs sont à corriger ; rien n'a été enregistré.",
    readOnly: "Votre rôle permet de consulter ces réglages, pas de les modifier.",
    snippet: "Intégrer le portail",
    snippetHead: "1. Sur chaque page du site, en premier dans <head> (bandeau cookies et portail) :",
    snippetInline: "2. Là où le portail doit apparaître dans la page, ou dans une fenêtre :",
    snippetBackend:
      "3. Votre serveur obtient pour le client connecté un lien à usage unique, avec une clé d'API de la marque (jamais dans le navigateur) :",
    snippetNote:
      "La réponse donne url (à placer dans data-url ou à passer à Mesure.portal.open) et expiresAt. Le client n'a pas à se connecter une seconde fois.",
  },
  {
    title: "Brand and embedding",
    lead: "How the brand looks in the portal and the banner, and the sites that may embed them.",
    identity: "The brand",
    name: "Name",
    primaryColor: "Main colour",
    accentColor: "Accent colour",
    colourPicker: "{name} (picker)",
    colourHint: "As #rrggbb. Empty the field to go back to Mesure's colour.",
    logoUrl: "Logo address",
    logoHint: "Optional. An https:// address.",
    languages: "Portal languages",
    defaultLocale: "Default language",
    locale_fr: "French",
    locale_en: "English",
    defaultTimezone: "Default time zone",
    timezoneHint: "That of customers whose time zone is unknown, e.g. Europe/Paris.",
    embedding: "Embedding",
    embedOrigins: "Sites allowed to embed the portal and the banner",
    originsHint:
      "One origin per line, e.g. https://shop.example or https://shop.example:8443. http is accepted only for localhost and 127.0.0.1. Any other site is refused.",
    privacy: "Privacy",
    privacyEmail: "Data protection officer's address",
    privacyEmailHint: "Optional. Gets the warnings about privacy requests.",
    erasureGraceDays: "Delay before an erasure (days)",
    graceHint: "0 to 28 days, during which the customer may cancel the request.",
    save: "Save",
    saving: "Saving…",
    saved: "Saved.",
    fix: "Some fields need fixing; nothing was saved.",
    readOnly: "Your role lets you read these settings, not change them.",
    snippet: "Embedding the portal",
    snippetHead: "1. On every page of the site, first in <head> (cookie banner and portal):",
    snippetInline: "2. Where the portal should appear in the page, or in a dialog:",
    snippetBackend:
      "3. Your server gets a one-time link for the signed-in customer, with one of the brand's API keys (never in the browser):",
    snippetNote:
      "The answer gives url (to put in data-url or pass to Mesure.portal.open) and expiresAt. The customer does not sign in a second time.",
  },
);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const visit = await requireMember(request, context);
  const { db, publicUrl } = context.services;
  const [profile, settings] = await Promise.all([
    getBrandProfile(db, visit.brand.id),
    getBrandSettings(db, visit.brand.id),
  ]);
  if (!profile || !settings) throw data(null, { status: 404 });
  return {
    draft: draftOfBrand(profile, settings),
    embed: { publicUrl, slug: visit.brand.slug, origin: settings.embedOrigins[0] ?? "https://shop.example" },
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { visit, form, locale } = await consoleForm(request, context, "editor");
  const draft = draftOfBrandForm(form);
  const parsed = parseBrandDraft(draft, locale);
  if (!parsed.ok) return data({ ok: false, errors: parsed.errors, draft }, { status: 400 });
  await saveBrandFromConsole(context.services.db, visit, parsed.data);
  return { ok: true, errors: {} as Record<string, string>, draft: null };
}

/** With JavaScript, the picker and the text field show the same colour. */
function syncColour(event: FormEvent<HTMLInputElement>, other: string) {
  const input = event.currentTarget;
  const target = input.form?.elements.namedItem(other);
  if (target instanceof HTMLInputElement && /^#[0-9a-fA-F]{6}$/.test(input.value)) target.value = input.value;
}

export default function Settings() {
  const loaded = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const { can } = useConsoleMember();
  const locale = useLocale();
  const t = text[locale];
  const editable = can("editor");
  const errors: Record<string, string> = result?.errors ?? {};
  const draft: BrandDraft = result?.draft ?? loaded.draft;
  const busy = navigation.state === "submitting";
  const described = (name: string, hint: string) => ({
    "aria-describedby": errors[name] ? `${errorId(name)} ${hint}` : hint,
    "aria-invalid": errors[name] ? (true as const) : undefined,
  });
  return (
    <ConsolePage title={t.title} lead={t.lead}>
      {result && !result.ok ? (
        <Status message={t.fix} tone="error" />
      ) : (
        <Status message={result?.ok ? t.saved : null} />
      )}
      {editable ? null : <p>{t.readOnly}</p>}
      <Form method="post" className="stack" noValidate key={JSON.stringify(draft)}>
        <CsrfField />
        <fieldset className="console-card" disabled={!editable}>
          <legend>{t.identity}</legend>
          <div className="field">
            <label htmlFor="name">{t.name}</label>
            <input id="name" name="name" defaultValue={draft.name} {...invalid("name", errors)} />
            <FieldError name="name" errors={errors} />
          </div>
          <div className="console-grid">
            {(["primaryColor", "accentColor"] as const).map((name) => (
              <div className="field colour-field" key={name}>
                <label htmlFor={name}>{t[name]}</label>
                <p className="hint" id={`${name}-hint`}>
                  {t.colourHint}
                </p>
                <div className="inline-fields">
                  <input
                    type="color"
                    id={`${name}Picker`}
                    name={`${name}Picker`}
                    defaultValue={draft[name].picker}
                    aria-label={t.colourPicker.replace("{name}", t[name])}
                    onInput={(event) => syncColour(event, name)}
                  />
                  <input
                    id={name}
                    name={name}
                    defaultValue={draft[name].text}
                    placeholder="#1f4d3a"
                    size={9}
                    spellCheck={false}
                    onInput={(event) => syncColour(event, `${name}Picker`)}
                    {...described(name, `${name}-hint`)}
                  />
                </div>
                <input type="hidden" name={`${name}Was`} value={draft[name].was} />
                <FieldError name={name} errors={errors} />
              </div>
            ))}
          </div>
          <div className="field">
            <label htmlFor="logoUrl">{t.logoUrl}</label>
            <p className="hint" id="logoUrl-hint">
              {t.logoHint}
            </p>
            <input
              id="logoUrl"
              name="logoUrl"
              type="url"
              defaultValue={draft.logoUrl}
              {...described("logoUrl", "logoUrl-hint")}
            />
            <FieldError name="logoUrl" errors={errors} />
          </div>
          <div className="console-grid">
            <fieldset aria-describedby={errors.locales ? errorId("locales") : undefined}>
              <legend>{t.languages}</legend>
              {locales.map((one) => (
                <div className="field checkbox" key={one}>
                  <input
                    type="checkbox"
                    id={`locales-${one}`}
                    name="locales"
                    value={one}
                    defaultChecked={draft.locales.includes(one)}
                  />
                  <label htmlFor={`locales-${one}`}>{t[`locale_${one}`]}</label>
                </div>
              ))}
              <FieldError name="locales" errors={errors} />
            </fieldset>
            <div className="field">
              <label htmlFor="defaultLocale">{t.defaultLocale}</label>
              <select
                id="defaultLocale"
                name="defaultLocale"
                defaultValue={draft.defaultLocale}
                {...invalid("defaultLocale", errors)}
              >
                {locales.map((one) => (
                  <option key={one} value={one}>
                    {t[`locale_${one}`]}
                  </option>
                ))}
              </select>
              <FieldError name="defaultLocale" errors={errors} />
            </div>
            <div className="field">
              <label htmlFor="defaultTimezone">{t.defaultTimezone}</label>
              <p className="hint" id="defaultTimezone-hint">
                {t.timezoneHint}
              </p>
              <input
                id="defaultTimezone"
                name="defaultTimezone"
                defaultValue={draft.defaultTimezone}
                spellCheck={false}
                {...described("defaultTimezone", "defaultTimezone-hint")}
              />
              <FieldError name="defaultTimezone" errors={errors} />
            </div>
          </div>
        </fieldset>

        <fieldset className="console-card" disabled={!editable}>
          <legend>{t.embedding}</legend>
          <div className="field">
            <label htmlFor="embedOrigins">{t.embedOrigins}</label>
            <p className="hint" id="embedOrigins-hint">
              {t.originsHint}
            </p>
            <textarea
              id="embedOrigins"
              name="embedOrigins"
              rows={4}
              defaultValue={draft.embedOrigins}
              spellCheck={false}
              {...described("embedOrigins", "embedOrigins-hint")}
            />
            <FieldError name="embedOrigins" errors={errors} />
          </div>
        </fieldset>

        <fieldset className="console-card" disabled={!editable}>
          <legend>{t.privacy}</legend>
          <div className="console-grid">
            <div className="field">
              <label htmlFor="privacyEmail">{t.privacyEmail}</label>
              <p className="hint" id="privacyEmail-hint">
                {t.privacyEmailHint}
              </p>
              <input
                id="privacyEmail"
                name="privacyEmail"
                type="email"
                defaultValue={draft.privacyEmail}
                {...described("privacyEmail", "privacyEmail-hint")}
              />
              <FieldError name="privacyEmail" errors={errors} />
            </div>
            <div className="field">
              <label htmlFor="erasureGraceDays">{t.erasureGraceDays}</label>
              <p className="hint" id="erasureGraceDays-hint">
                {t.graceHint}
              </p>
              <input
                id="erasureGraceDays"
                name="erasureGraceDays"
                type="number"
                inputMode="numeric"
                min={0}
                max={28}
                defaultValue={draft.erasureGraceDays}
                {...described("erasureGraceDays", "erasureGraceDays-hint")}
              />
              <FieldError name="erasureGraceDays" errors={errors} />
            </div>
          </div>
        </fieldset>
        {editable ? (
          <button type="submit" className="button" disabled={busy}>
            {busy ? t.saving : t.save}
          </button>
        ) : null}
      </Form>

      <EmbedSnippet {...loaded.embed} />
    </ConsolePage>
  );
}

function EmbedSnippet({ publicUrl, slug, origin }: { publicUrl: string; slug: string; origin: string }) {
  const locale = useLocale();
  const t = text[locale];
  const head = `<script src="${publicUrl}/embed/v1.js" data-brand="${slug}"></script>`;
  const inline = [
    `<div data-mesure-portal data-url="URL"></div>`,
    ``,
    `<script>`,
    `  // ${locale === "fr" ? "ou dans une fenêtre, depuis votre script" : "or in a dialog, from your script"}`,
    `  Mesure.portal.open(url);`,
    `</script>`,
  ].join("\n");
  const backend = [
    `curl -X POST ${publicUrl}/api/v1/portal-sessions \\`,
    `  -H "Authorization: Bearer $MESURE_API_KEY" \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -d '{"externalId": "customer-42", "origin": "${origin}"}'`,
  ].join("\n");
  return (
    <section className="console-card" aria-labelledby="snippet-title">
      <h2 id="snippet-title">{t.snippet}</h2>
      <p>{t.snippetHead}</p>
      <pre className="snippet">
        <code>{head}</code>
      </pre>
      <p>{t.snippetInline}</p>
      <pre className="snippet">
        <code>{inline}</code>
      </pre>
      <p>{t.snippetBackend}</p>
      <pre className="snippet">
        <code>{backend}</code>
      </pre>
      <p className="hint">{t.snippetNote}</p>
    </section>
  );
}
