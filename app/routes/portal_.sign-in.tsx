// Asking for a sign-in link by email. The answer is the same whether the address is known or
// not (and as fast: the email leaves in the background), so the form reveals nobody; it is
// rate-limited per address and per client, and a hidden honeypot field catches form robots.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { CsrfField, FieldError, invalid, Status } from "~/components/portal/form";
import { FramedStorage } from "~/components/portal/framed-storage";
import { filledHoneypot, Honeypot, PublicPage } from "~/components/public-page";
import { useLocale } from "~/components/use-t";
import { bilingual } from "~/lib/bilingual";
import { parseForm, readForm } from "~/lib/forms.server";
import { resolveLocale } from "~/lib/i18n";
import { sendMagicLinkInBackground } from "~/lib/portal-mail.server";
import { brandFromQuery, EmailStep, takeEmailAllowance } from "~/lib/public-forms.server";
import { findCustomerByEmail } from "~/models/customer.server";
import { findEmbedTarget } from "~/models/portal-session.server";

const text = bilingual(
  {
    title: "Vos préférences de communication",
    lead: "Indiquez votre adresse e-mail : si {brand} la connaît, vous recevrez un lien qui ouvre vos préférences, sans mot de passe.",
    expired: "Votre session a pris fin. Demandez un nouveau lien pour continuer.",
    email: "Adresse e-mail",
    send: "Recevoir le lien",
    sending: "Envoi…",
    sent: "Si cette adresse est connue de {brand}, un lien vient de partir. Il est valable 30 minutes, une seule fois.",
    limited: "Trop de demandes pour l'instant. Réessayez dans une heure.",
    noBrand:
      "Pour ouvrir vos préférences, utilisez le lien « Gérer mes préférences » en bas d'un message de la marque.",
  },
  {
    title: "Your communication preferences",
    lead: "Enter your email address: if {brand} knows it, you will get a link that opens your preferences, with no password.",
    expired: "Your session ended. Ask for a new link to go on.",
    email: "Email address",
    send: "Send me the link",
    sending: "Sending…",
    sent: "If {brand} knows this address, a link is on its way. It works once, for 30 minutes.",
    limited: "Too many requests for now. Try again in an hour.",
    noBrand:
      "To open your preferences, use the \u201cManage my preferences\u201d link at the foot of one of the brand's messages.",
  },
);

export const meta: MetaFunction = () => [{ title: "Mesure" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const brand = await brandFromQuery(request, context.services.db);
  const expired = new URL(request.url).searchParams.get("expired") === "1";
  // The brand's sites may show this page in their frame (Mesure.portal.open() with no link, or
  // an embedded session that ended).
  if (brand) {
    const framing = (await findEmbedTarget(context.services.db, { brandId: brand.id })).brand;
    context.allowFraming(framing ? framing.embedOrigins : []);
  }
  return { brand: brand && { name: brand.name }, expired };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request, context.csrf);
  const { locale } = resolveLocale(request);
  const brand = await brandFromQuery(request, context.services.db);
  if (!brand) return data({ sent: false, errors: null, limited: false }, { status: 404 });
  if (filledHoneypot(form)) return { sent: true, errors: null, limited: false };
  const parsed = parseForm(EmailStep, { email: form.get("email") }, locale);
  if (!parsed.ok) return data({ sent: false, errors: parsed.errors, limited: false }, { status: 400 });
  const email = parsed.data.email;
  if (!takeEmailAllowance(context, `email:${email}`)) {
    return data({ sent: false, errors: null, limited: true }, { status: 429 });
  }
  const customer = await findCustomerByEmail(context.services.db, { brandId: brand.id, email });
  if (customer) sendMagicLinkInBackground(context.services, brand, customer);
  return { sent: true, errors: null, limited: false };
}

export default function SignInPage() {
  const { brand, expired } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const locale = useLocale();
  const t = text[locale];
  const errors = result?.errors ?? null;
  return (
    <PublicPage title={t.title}>
      <FramedStorage />
      {!brand ? (
        <p>{t.noBrand}</p>
      ) : (
        <>
          {expired ? <p className="notice">{t.expired}</p> : null}
          <p>{t.lead.replace("{brand}", brand.name)}</p>
          {result?.sent ? <Status message={t.sent.replace("{brand}", brand.name)} /> : null}
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
        </>
      )}
    </PublicPage>
  );
}
