// /console/cookies: the brand's cookie banner (texts in French and English, categories with
// their cookies and Google Consent Mode keys, policy address, when to ask again). What visitors
// are shown can only change under a new policy version, which asks every visitor again. Below the
// form, every text the banner has shown, by version and language: what past consents answered.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { ConsolePage, useConsoleMember } from "~/components/console/page";
import { ShownTextDetails } from "~/components/shown-text";
import { CsrfField, errorId, FieldError, invalid, Status } from "~/components/portal/form";
import { formatDateTime } from "~/components/portal/words";
import { useLocale } from "~/components/use-t";
import { requireMember } from "~/console/auth.server";
import { consoleForm } from "~/console/form.server";
import {
  draftOfCookieConfig,
  draftOfCookiesForm,
  nextPolicyVersion,
  parseCookiesDraft,
  type CookiesDraft,
} from "~/console/settings/cookie-form.server";
import { saveCookieConfigFromConsole } from "~/console/settings/cookies.server";
import { isBlankCategory, nextRow, type CategoryDraft } from "~/console/settings/drafts";
import { bilingual, format } from "~/lib/bilingual";
import { getBrandTimezone, getCookieConfig } from "~/models/brand.server";
import { consentModeKeys } from "~/privacy/cookie-config";
import { listShownTexts } from "~/privacy/shown-cookie-texts.server";

const text = bilingual(
  {
    title: "Cookies",
    lead: "Le bandeau cookies que le script de la marque affiche : ses textes, ses catégories et quand il demande de nouveau.",
    policy: "Version de la politique",
    policyVersion: "Version en vigueur",
    versionHint:
      "Les consentements sont enregistrés avec cette version. Modifier les textes ou les catégories demande une nouvelle version : chaque visiteur est alors interrogé de nouveau.",
    publishNew: "Publier comme nouvelle version ({next}) : les visiteurs seront interrogés de nouveau",
    policyUrl: "Adresse de la politique de confidentialité",
    policyUrlHint: "Facultative. Une adresse http(s).",
    refusalMonths: "Redemander après un refus, au bout de (mois)",
    consentMonths: "Redemander après un consentement, au bout de (mois)",
    monthsHint: "De 1 à 24 mois. La CNIL recommande 13 mois au plus pour un consentement.",
    texts: "Textes du bandeau",
    titleFr: "Titre en français",
    bodyFr: "Texte en français",
    titleEn: "Titre en anglais",
    bodyEn: "Texte en anglais",
    categories: "Catégories",
    categoriesHint: "Dans l'ordre où le bandeau les montre. Laissez la dernière ligne vide si vous n'ajoutez rien.",
    category: "Catégorie {key}",
    newCategory: "Nouvelle catégorie",
    key: "Identifiant",
    keyHint: "Les scripts bloqués le nomment (data-category). Il ne change plus ensuite.",
    nameFr: "Nom en français",
    nameEn: "Nom en anglais",
    descriptionFr: "Description en français",
    descriptionEn: "Description en anglais",
    required: "Essentielle : toujours active, ne peut pas être refusée",
    gpc: "Couverte par Global Privacy Control (publicité, vente de données) : refusée sous GPC sauf choix exprès",
    cookies: "Cookies à supprimer en cas de refus, un par ligne",
    cookiesHint: "Un * final vise un préfixe, par exemple _ga_*.",
    consentMode: "Clés Google Consent Mode accordées",
    remove: "Supprimer cette catégorie",
    save: "Enregistrer",
    saving: "Enregistrement…",
    saved: "C'est enregistré.",
    published: "La version {version} est publiée : chaque visiteur sera interrogé de nouveau.",
    fix: "Certains champs sont à corriger ; rien n'a été enregistré.",
    readOnly: "Votre rôle permet de consulter le bandeau, pas de le modifier.",
    history: "Textes affichés",
    historyLead:
      "Chaque texte que le bandeau a montré, par version et par langue, conservé tel quel : c'est ce à quoi les consentements passés ont répondu (leur empreinte dans le registre est celle de ce texte).",
    historyCaption: "Textes du bandeau, du plus récent au plus ancien (heure de {zone})",
    firstSeen: "Publié ou affiché pour la première fois",
    language: "Langue",
    fingerprint: "Empreinte",
    read: "Lire",
    noHistory:
      "Aucun texte conservé pour l'instant : le premier le sera à la prochaine publication ou au premier choix d'un visiteur.",
  },
  {
    title: "Cookies",
    lead: "The cookie banner the brand's script shows: its texts, its categories and when it asks again.",
    policy: "Policy version",
    policyVersion: "Version in force",
    versionHint:
      "Consents are recorded with this version. Changing the texts or the categories needs a new version: every visitor is then asked again.",
    publishNew: "Publish as a new version ({next}): visitors will be asked again",
    policyUrl: "Address of the privacy policy",
    policyUrlHint: "Optional. An http(s) address.",
    refusalMonths: "Ask again after a refusal, after (months)",
    consentMonths: "Ask again after a consent, after (months)",
    monthsHint: "1 to 24 months. The CNIL recommends 13 months at most for a consent.",
    texts: "Banner texts",
    titleFr: "Title in French",
    bodyFr: "Text in French",
    titleEn: "Title in English",
    bodyEn: "Text in English",
    categories: "Categories",
    categoriesHint: "In the order the banner shows them. Leave the last row empty if you add nothing.",
    category: "Category {key}",
    newCategory: "New category",
    key: "Key",
    keyHint: "Blocked scripts name it (data-category). It cannot change afterwards.",
    nameFr: "Name in French",
    nameEn: "Name in English",
    descriptionFr: "Description in French",
    descriptionEn: "Description in English",
    required: "Essential: always on, cannot be refused",
    gpc: "Covered by Global Privacy Control (advertising, sale of data): refused under GPC unless chosen explicitly",
    cookies: "Cookies to delete when refused, one per line",
    cookiesHint: "A trailing * matches a prefix, e.g. _ga_*.",
    consentMode: "Google Consent Mode keys granted",
    remove: "Remove this category",
    save: "Save",
    saving: "Saving…",
    saved: "Saved.",
    published: "Version {version} is published: every visitor will be asked again.",
    fix: "Some fields need fixing; nothing was saved.",
    readOnly: "Your role lets you read the banner, not change it.",
    history: "Texts shown",
    historyLead:
      "Every text the banner has shown, by version and language, kept as it was: what past consents answered (their fingerprint in the ledger is this text's).",
    historyCaption: "Banner texts, newest first (times in {zone})",
    firstSeen: "Published or first shown",
    language: "Language",
    fingerprint: "Fingerprint",
    read: "Read",
    noHistory: "No text kept yet: the first will be at the next publication or a visitor's first choice.",
  },
);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const visit = await requireMember(request, context);
  const { db } = context.services;
  const [config, history, timezone] = await Promise.all([
    getCookieConfig(db, visit.brand.id),
    listShownTexts(db, visit.brand.id, 60),
    getBrandTimezone(db, visit.brand.id),
  ]);
  return {
    draft: draftOfCookieConfig(config),
    next: nextPolicyVersion(config.policyVersion),
    history: history.map((shown) => ({ ...shown, firstSeenAt: shown.firstSeenAt.toISOString() })),
    timezone,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { visit, form, locale } = await consoleForm(request, context, "editor");
  const { db } = context.services;
  const draft = draftOfCookiesForm(form);
  const parsed = parseCookiesDraft(draft, await getCookieConfig(db, visit.brand.id), locale);
  if (!parsed.ok) return data({ errors: parsed.errors, draft, published: null }, { status: 400 });
  const { published } = await saveCookieConfigFromConsole(db, visit, parsed.data);
  return { errors: {} as Record<string, string>, draft: null, published: published ? parsed.data.policyVersion : "" };
}

export default function Cookies() {
  const loaded = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const { can } = useConsoleMember();
  const locale = useLocale();
  const t = text[locale];
  const editable = can("editor");
  const errors: Record<string, string> = result?.errors ?? {};
  const draft: CookiesDraft = result?.draft ?? loaded.draft;
  const busy = navigation.state === "submitting";
  const status =
    result?.published === null || result?.published === undefined
      ? null
      : result.published
        ? format(t.published, { version: result.published })
        : t.saved;
  const textField = (name: "titleFr" | "titleEn" | "bodyFr" | "bodyEn") => (
    <div className="field" key={name}>
      <label htmlFor={name}>{t[name]}</label>
      {name.startsWith("body") ? (
        <textarea
          id={name}
          name={name}
          rows={5}
          defaultValue={draft[name]}
          lang={name.slice(-2).toLowerCase()}
          {...invalid(name, errors)}
        />
      ) : (
        <input
          id={name}
          name={name}
          defaultValue={draft[name]}
          lang={name.slice(-2).toLowerCase()}
          {...invalid(name, errors)}
        />
      )}
      <FieldError name={name} errors={errors} />
    </div>
  );
  return (
    <ConsolePage title={t.title} lead={t.lead}>
      {result?.draft ? <Status message={t.fix} tone="error" /> : <Status message={status} />}
      {editable ? null : <p>{t.readOnly}</p>}
      <Form method="post" className="stack" noValidate key={JSON.stringify(draft)}>
        <CsrfField />
        <fieldset className="console-card" disabled={!editable}>
          <legend>{t.policy}</legend>
          <p className="hint" id="version-hint">
            {t.versionHint}
          </p>
          <div className="console-grid">
            <div className="field">
              <label htmlFor="policyVersion">{t.policyVersion}</label>
              <input
                id="policyVersion"
                name="policyVersion"
                defaultValue={draft.policyVersion}
                autoComplete="off"
                spellCheck={false}
                aria-describedby={errors.policyVersion ? `${errorId("policyVersion")} version-hint` : "version-hint"}
                aria-invalid={errors.policyVersion ? true : undefined}
              />
              <FieldError name="policyVersion" errors={errors} />
            </div>
            <div className="field checkbox">
              <input type="checkbox" id="publishNew" name="publishNew" defaultChecked={draft.publishNew} />
              <label htmlFor="publishNew">{format(t.publishNew, { next: loaded.next })}</label>
            </div>
            <div className="field">
              <label htmlFor="policyUrl">{t.policyUrl}</label>
              <p className="hint" id="policyUrl-hint">
                {t.policyUrlHint}
              </p>
              <input
                id="policyUrl"
                name="policyUrl"
                type="url"
                defaultValue={draft.policyUrl}
                aria-describedby={errors.policyUrl ? errorId("policyUrl") : "policyUrl-hint"}
                aria-invalid={errors.policyUrl ? true : undefined}
              />
              <FieldError name="policyUrl" errors={errors} />
            </div>
            {(["refusalMonths", "consentMonths"] as const).map((name) => (
              <div className="field" key={name}>
                <label htmlFor={name}>{t[name]}</label>
                <input
                  id={name}
                  name={name}
                  type="number"
                  inputMode="numeric"
                  min={1}
                  max={24}
                  defaultValue={draft[name]}
                  aria-describedby={errors[name] ? `${errorId(name)} months-hint` : "months-hint"}
                  aria-invalid={errors[name] ? true : undefined}
                />
                <FieldError name={name} errors={errors} />
              </div>
            ))}
          </div>
          <p className="hint" id="months-hint">
            {t.monthsHint}
          </p>
        </fieldset>

        <fieldset className="console-card" disabled={!editable}>
          <legend>{t.texts}</legend>
          <div className="console-grid">
            <div>{(["titleFr", "bodyFr"] as const).map(textField)}</div>
            <div>{(["titleEn", "bodyEn"] as const).map(textField)}</div>
          </div>
        </fieldset>

        <fieldset
          className="console-card"
          disabled={!editable}
          aria-describedby={errors.categories ? `${errorId("categories")} categories-hint` : "categories-hint"}
        >
          <legend>{t.categories}</legend>
          <p className="hint" id="categories-hint">
            {t.categoriesHint}
          </p>
          <FieldError name="categories" errors={errors} />
          {draft.categories
            .filter((row) => !isBlankCategory(row))
            .map((row) => (
              <CategoryRow key={row.n} row={row} errors={errors} />
            ))}
          {editable ? (
            <CategoryRow
              row={{
                n: nextRow(draft.categories),
                key: "",
                nameFr: "",
                nameEn: "",
                descriptionFr: "",
                descriptionEn: "",
                required: false,
                gpc: false,
                cookies: "",
                consentMode: [],
                existing: false,
                remove: false,
              }}
              errors={errors}
            />
          ) : null}
        </fieldset>
        {editable ? (
          <button type="submit" className="button" disabled={busy}>
            {busy ? t.saving : t.save}
          </button>
        ) : null}
      </Form>
      <TextHistory />
    </ConsolePage>
  );
}

function TextHistory() {
  const { history, timezone } = useLoaderData<typeof loader>();
  const locale = useLocale();
  const t = text[locale];
  return (
    <section aria-labelledby="history-heading" className="console-card">
      <h2 id="history-heading">{t.history}</h2>
      <p>{t.historyLead}</p>
      {history.length === 0 ? (
        <p>{t.noHistory}</p>
      ) : (
        <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="history-heading">
          <table className="table">
            <caption>{format(t.historyCaption, { zone: timezone })}</caption>
            <thead>
              <tr>
                <th scope="col">{t.policy}</th>
                <th scope="col">{t.language}</th>
                <th scope="col">{t.firstSeen}</th>
                <th scope="col">{t.fingerprint}</th>
              </tr>
            </thead>
            <tbody>
              {history.map((shown) => (
                <tr key={shown.hash}>
                  <th scope="row">{shown.policyVersion}</th>
                  <td lang={shown.locale}>{shown.locale}</td>
                  <td>{formatDateTime(locale, shown.firstSeenAt, timezone)}</td>
                  <td>
                    <code className="hash">{shown.hash}</code>
                    <ShownTextDetails shown={shown} summary={t.read} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function CategoryRow({ row, errors }: { row: CategoryDraft; errors: Record<string, string> }) {
  const locale = useLocale();
  const t = text[locale];
  const name = (field: string) => `categories.${row.n}.${field}`;
  const id = (field: string) => `categories-${row.n}-${field}`;
  return (
    <fieldset className="console-card">
      <legend>{row.existing ? format(t.category, { key: row.key }) : t.newCategory}</legend>
      {row.existing ? (
        <>
          <input type="hidden" name={name("existing")} value="1" />
          <input type="hidden" name={name("key")} value={row.key} />
          <FieldError name={name("key")} errors={errors} />
        </>
      ) : (
        <div className="field">
          <label htmlFor={id("key")}>{t.key}</label>
          <p className="hint" id={id("key-hint")}>
            {t.keyHint}
          </p>
          <input
            id={id("key")}
            name={name("key")}
            defaultValue={row.key}
            autoComplete="off"
            spellCheck={false}
            aria-describedby={errors[name("key")] ? errorId(name("key")) : id("key-hint")}
            aria-invalid={errors[name("key")] ? true : undefined}
          />
          <FieldError name={name("key")} errors={errors} />
        </div>
      )}
      <div className="console-grid">
        {(["nameFr", "nameEn"] as const).map((field) => (
          <div className="field" key={field}>
            <label htmlFor={id(field)}>{t[field]}</label>
            <input
              id={id(field)}
              name={name(field)}
              defaultValue={row[field]}
              lang={field.slice(-2).toLowerCase()}
              {...invalid(name(field), errors)}
            />
            <FieldError name={name(field)} errors={errors} />
          </div>
        ))}
        {(["descriptionFr", "descriptionEn"] as const).map((field) => (
          <div className="field" key={field}>
            <label htmlFor={id(field)}>{t[field]}</label>
            <textarea
              id={id(field)}
              name={name(field)}
              rows={3}
              defaultValue={row[field]}
              lang={field.slice(-2).toLowerCase()}
              {...invalid(name(field), errors)}
            />
            <FieldError name={name(field)} errors={errors} />
          </div>
        ))}
      </div>
      <div className="field checkbox">
        <input type="checkbox" id={id("required")} name={name("required")} defaultChecked={row.required} />
        <label htmlFor={id("required")}>{t.required}</label>
      </div>
      <div className="field checkbox">
        <input
          type="checkbox"
          id={id("gpc")}
          name={name("gpc")}
          defaultChecked={row.gpc}
          {...invalid(name("gpc"), errors)}
        />
        <label htmlFor={id("gpc")}>{t.gpc}</label>
        <FieldError name={name("gpc")} errors={errors} />
      </div>
      <div className="field">
        <label htmlFor={id("cookies")}>{t.cookies}</label>
        <p className="hint" id={id("cookies-hint")}>
          {t.cookiesHint}
        </p>
        <textarea
          id={id("cookies")}
          name={name("cookies")}
          rows={3}
          defaultValue={row.cookies}
          spellCheck={false}
          aria-describedby={errors[name("cookies")] ? errorId(name("cookies")) : id("cookies-hint")}
          aria-invalid={errors[name("cookies")] ? true : undefined}
        />
        <FieldError name={name("cookies")} errors={errors} />
      </div>
      <fieldset aria-describedby={errors[name("consentMode")] ? errorId(name("consentMode")) : undefined}>
        <legend>{t.consentMode}</legend>
        {consentModeKeys.map((key) => (
          <span className="field checkbox" key={key}>
            <input
              type="checkbox"
              id={id(`consentMode-${key}`)}
              name={name("consentMode")}
              value={key}
              defaultChecked={row.consentMode.includes(key)}
            />
            <label htmlFor={id(`consentMode-${key}`)}>
              <code>{key}</code>
            </label>
          </span>
        ))}
        <FieldError name={name("consentMode")} errors={errors} />
      </fieldset>
      {row.existing ? (
        <div className="field checkbox">
          <input type="checkbox" id={id("remove")} name={name("remove")} defaultChecked={row.remove} />
          <label htmlFor={id("remove")}>{t.remove}</label>
        </div>
      ) : null}
    </fieldset>
  );
}
