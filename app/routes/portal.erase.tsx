// Erasure, asked for from the portal: what goes and what stays, when (the brand's grace period),
// which systems will be told, and a confirmation; then each system's progress, with a cancel
// button while the request waits out its grace period. An email carries a link to the public
// status page, since after the erasure the customer can no longer sign in.
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { CsrfField, Status } from "~/components/portal/form";
import {
  CancelErasureForm,
  cancelOutcome,
  notUnderstood,
  UnderstandBox,
  understood,
} from "~/components/privacy/erasure-forms";
import { ErasureProgress, erasureStatusView } from "~/components/privacy/erasure-progress";
import { useFocusFirstError } from "~/components/privacy/focus-first-error";
import { useLocale } from "~/components/use-t";
import { bilingual, format, plural } from "~/lib/bilingual";
import { readForm } from "~/lib/forms.server";
import { resolveLocale } from "~/lib/i18n";
import { requireVisit } from "~/lib/portal-auth.server";
import { connectorNames, erasureStatusPath, sendErasureScheduledInBackground } from "~/privacy/erasure-access.server";
import { cancelErasure, ErasureRefusedError, findOpenErasure, requestErasure } from "~/privacy/erasure.server";
import styles from "~/styles/privacy.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

const text = bilingual(
  {
    title: "Supprimer mes données",
    lead: "Vous pouvez demander à {brand} d'effacer tout ce que Mesure conserve à votre sujet. Voici ce que cela veut dire.",
    erasedTitle: "Ce qui sera effacé",
    erased:
      "Votre adresse e-mail, votre numéro de téléphone, votre nom et votre identifiant chez {brand} ; vos abonnements, alertes et réglages ; vos notifications, vos appareils et l'historique de vos messages ; vos sessions sur ce portail.",
    keptTitle: "Ce qui est gardé, et pourquoi",
    keptHash:
      "Une empreinte salée de votre adresse e-mail et de votre numéro sur la liste des adresses à ne plus contacter : si {brand} importe à nouveau votre adresse un jour, vous resterez désabonné·e. Cette empreinte ne permet pas de retrouver l'adresse.",
    keptLedger:
      "Le registre des consentements garde une preuve anonyme de vos choix passés (sans votre adresse ni votre nom), parce qu'il doit rester complet pour prouver chacun d'eux.",
    whenTitle: "Quand",
    now: "Tout de suite : {brand} n'a pas prévu de délai de réflexion.",
    grace: "Dans {count} jour, délai pendant lequel vous pouvez annuler.",
    graces: "Dans {count} jours, délai pendant lequel vous pouvez annuler.",
    deadline: "{brand} a un mois au plus pour que tout soit terminé.",
    systemsTitle: "Qui sera prévenu",
    systemsLead:
      "Mesure efface vos données chez lui, puis prévient ces autres systèmes de {brand}, jusqu'à ce que chacun confirme :",
    noSystems: "{brand} n'a déclaré aucun autre système : seul Mesure est concerné.",
    after:
      "Une fois vos données effacées, vous ne pourrez plus vous connecter à ce portail. Un e-mail vous donnera un lien pour suivre l'avancement.",
    submit: "Effacer mes données",
    sending: "Envoi…",
    fix: "Un point est à corriger ; rien n'a été demandé.",
    refused: "Cette demande n'est plus possible : vos données ont déjà été effacées.",
    openTitle: "Votre demande d'effacement",
    follow: "Lien de suivi, qui fonctionnera même après l'effacement (gardez-le) :",
    followLink: "page de suivi de votre demande",
    emailSent: "Un e-mail de confirmation avec ce lien vous a été envoyé.",
  },
  {
    title: "Delete my data",
    lead: "You can ask {brand} to erase everything Mesure keeps about you. Here is what that means.",
    erasedTitle: "What will be erased",
    erased:
      "Your email address, phone number, name and your id at {brand}; your subscriptions, alerts and settings; your notifications, devices and message history; your sessions on this portal.",
    keptTitle: "What is kept, and why",
    keptHash:
      "A salted fingerprint of your email address and number on the list of addresses never to contact again: if {brand} imports your address again one day, you stay unsubscribed. The address cannot be recovered from it.",
    keptLedger:
      "The consent ledger keeps anonymous proof of your past choices (without your address or name), because it must stay whole to prove each of them.",
    whenTitle: "When",
    now: "At once: {brand} has set no time to think it over.",
    grace: "In {count} day, during which you can cancel.",
    graces: "In {count} days, during which you can cancel.",
    deadline: "{brand} has one month at most for everything to be done.",
    systemsTitle: "Who will be told",
    systemsLead:
      "Mesure erases your data on its side, then tells these other systems of {brand}'s, until each confirms:",
    noSystems: "{brand} has declared no other system: only Mesure is concerned.",
    after:
      "Once your data is erased, you can no longer sign in to this portal. An email will give you a link to follow the progress.",
    submit: "Erase my data",
    sending: "Sending…",
    fix: "One thing needs fixing; nothing was asked for.",
    refused: "This request is no longer possible: your data has already been erased.",
    openTitle: "Your erasure request",
    follow: "Status link, which keeps working after the erasure (keep it):",
    followLink: "status page of your request",
    emailSent: "A confirmation email with this link has been sent to you.",
  },
);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const visit = await requireVisit(request, context);
  const { db, secret } = context.services;
  const owner = { brandId: visit.brand.id, customerId: visit.customer.id };
  const [brand, systems, open] = await Promise.all([
    db.brand.findUniqueOrThrow({ where: { id: owner.brandId }, select: { erasureGraceDays: true } }),
    connectorNames(db, owner.brandId),
    findOpenErasure(db, owner),
  ]);
  return {
    brand: visit.brand.name,
    graceDays: brand.erasureGraceDays,
    systems,
    timezone: visit.customer.timezone,
    hasEmail: visit.customer.email !== null,
    open: open && {
      view: erasureStatusView(open),
      statusPath: erasureStatusPath(secret, { ...owner, requestId: open.id }),
    },
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request, context.csrf);
  const visit = await requireVisit(request, context);
  const { locale } = resolveLocale(request);
  const t = text[locale];
  const { db, secret } = context.services;
  const owner = { brandId: visit.brand.id, customerId: visit.customer.id };
  if (form.get("intent") === "cancel") {
    const open = await findOpenErasure(db, owner);
    const cancelled = open ? await cancelErasure(db, { brandId: owner.brandId, requestId: open.id }) : false;
    return data(
      {
        message: cancelOutcome(locale, cancelled),
        tone: cancelled ? ("ok" as const) : ("error" as const),
        errors: null,
      },
      { status: cancelled ? 200 : 409 },
    );
  }
  if (!understood(form)) {
    return data(
      { message: t.fix, tone: "error" as const, errors: { understand: notUnderstood(locale) } },
      { status: 400 },
    );
  }
  const now = new Date();
  let result;
  try {
    result = await requestErasure(db, { ...owner, via: "portal", now });
  } catch (error) {
    if (error instanceof ErasureRefusedError) {
      return data({ message: t.refused, tone: "error" as const, errors: null }, { status: 409 });
    }
    throw error;
  }
  if (result.created)
    sendErasureScheduledInBackground(context.services, visit.brand, visit.customer, result.status, now);
  // With no grace period the erasure runs now and this session dies with it: the public status
  // page follows it from there.
  const waits = result.status.status === "scheduled" && result.status.executeAt.getTime() > now.getTime();
  return redirect(waits ? "/portal/erase" : erasureStatusPath(secret, { ...owner, requestId: result.status.id }));
}

export default function Erase() {
  const { brand, graceDays, systems, timezone, hasEmail, open } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const locale = useLocale();
  const t = text[locale];
  const errors = result?.errors ?? null;
  const busy = navigation.state === "submitting";
  const form = useFocusFirstError<HTMLFormElement>(errors);
  return (
    <>
      <h1>{t.title}</h1>
      {result?.message ? <Status message={result.message} tone={result.tone} /> : null}
      {open ? (
        <>
          <h2>{t.openTitle}</h2>
          <ErasureProgress status={open.view} locale={locale} timezone={timezone} />
          <p>
            {t.follow} <a href={open.statusPath}>{t.followLink}</a>
          </p>
          {hasEmail ? <p className="hint">{t.emailSent}</p> : null}
          {open.view.status === "scheduled" ? <CancelErasureForm /> : null}
        </>
      ) : (
        <>
          <p>{format(t.lead, { brand })}</p>
          <section className="card" aria-labelledby="erased-title">
            <h2 id="erased-title">{t.erasedTitle}</h2>
            <p>{format(t.erased, { brand })}</p>
          </section>
          <section className="card" aria-labelledby="kept-title">
            <h2 id="kept-title">{t.keptTitle}</h2>
            <ul>
              <li>{format(t.keptHash, { brand })}</li>
              <li>{t.keptLedger}</li>
            </ul>
          </section>
          <section className="card" aria-labelledby="when-title">
            <h2 id="when-title">{t.whenTitle}</h2>
            <p>{graceDays > 0 ? plural(locale, graceDays, t.grace, t.graces) : format(t.now, { brand })}</p>
            <p>{format(t.deadline, { brand })}</p>
          </section>
          <section className="card" aria-labelledby="systems-lead-title">
            <h2 id="systems-lead-title">{t.systemsTitle}</h2>
            {systems.length ? (
              <>
                <p>{format(t.systemsLead, { brand })}</p>
                <ul>
                  {systems.map((name) => (
                    <li key={name}>{name}</li>
                  ))}
                </ul>
              </>
            ) : (
              <p>{format(t.noSystems, { brand })}</p>
            )}
          </section>
          <section className="card danger-zone" aria-labelledby="confirm-title">
            <h2 id="confirm-title">{t.submit}</h2>
            <p>{t.after}</p>
            <Form method="post" className="stack" noValidate ref={form}>
              <CsrfField />
              <input type="hidden" name="intent" value="request" />
              <UnderstandBox errors={errors} />
              <div>
                <button type="submit" className="button danger" disabled={busy}>
                  {busy ? t.sending : t.submit}
                </button>
              </div>
            </Form>
          </section>
        </>
      )}
    </>
  );
}
