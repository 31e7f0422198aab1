// Signing in to the console: an email address, then a one-time link by email. The answer is the
// same whether the address belongs to a team or not; rate-limited per address and per client,
// with a honeypot for form robots.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { CsrfField, FieldError, invalid, Status } from "~/components/portal/form";
import { filledHoneypot, Honeypot, PublicPage } from "~/components/public-page";
import { useLocale } from "~/components/use-t";
import { sendConsoleSignInInBackground } from "~/console/sign-in-mail.server";
import { bilingual } from "~/lib/bilingual";
import { parseForm, readForm } from "~/lib/forms.server";
import { resolveLocale } from "~/lib/i18n";
import { EmailStep, takeEmailAllowance } from "~/lib/public-forms.server";

const text = bilingual(
  {
    title: "Console Mesure",
    lead: "Indiquez l'adresse e-mail avec laquelle votre équipe vous a ajouté·e : vous recevrez un lien de connexion, sans mot de passe.",
    expired: "Connectez-vous pour continuer.",
    email: "Adresse e-mail professionnelle",
    send: "Recevoir le lien",
    sending: "Envoi…",
    sent: "Si cette adresse appartient à une équipe, un lien vient de partir. Il est valable 20 minutes, une seule fois.",
    limited: "Trop de demandes pour l'instant. Réessayez dans une heure.",
  },
  {
    title: "Mesure console",
    lead: "Enter the email address your team added you with: you will get a sign-in link, with no password.",
    expired: "Sign in to go on.",
    email: "Work email address",
    send: "Send me the link",
    sending: "Sending…",
    sent: "If this address belongs to a team, a link is on its way. It works once, for 20 minutes.",
    limited: "Too many requests for now. Try again in an hour.",
  },
);

export const meta: MetaFunction = () => [{ title: "Mesure console" }, { name: "robots", content: "noindex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  return { next: new URL(request.url).searchParams.get("next") !== null };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request, context.csrf);
  const { locale } = resolveLocale(request);
  if (filledHoneypot(form)) return { sent: true, errors: null, limited: false };
  const parsed = parseForm(EmailStep, { email: form.get("email") }, locale);
  if (!parsed.ok) return data({ sent: false, errors: parsed.errors, limited: false }, { status: 400 });
  if (!takeEmailAllowance(context, `console:${parsed.data.email}`)) {
    return data({ sent: false, errors: null, limited: true }, { status: 429 });
  }
  sendConsoleSignInInBackground(context.services, parsed.data.email, locale);
  return { sent: true, errors: null, limited: false };
}

export default function ConsoleSignIn() {
  const { next } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const t = text[useLocale()];
  const errors = result?.errors ?? null;
  return (
    <PublicPage title={t.title}>
      {next ? <p className="notice">{t.expired}</p> : null}
      <p>{t.lead}</p>
      {result?.sent ? <Status message={t.sent} /> : null}
      {result?.limited ? <Status message={t.limited} tone="error" /> : null}
      <Form method="post" className="stack" noValidate>
        <CsrfField />
        <div className="field">
          <label htmlFor="email">{t.email}</label>
          <input id="email" name="email" type="email" autoComplete="email" required {...invalid("email", errors)} />
          <FieldError name="email" errors={errors} />
        </div>
        <Honeypot />
        <button type="submit" className="button" disabled={navigation.state === "submitting"}>
          {navigation.state === "submitting" ? t.sending : t.send}
        </button>
      </Form>
    </PublicPage>
  );
}
