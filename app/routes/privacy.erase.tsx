// Erasure without signing in: step 1, an email address (honeypot, rate limits per client and per
// address, the same answer whether the address is known or not); step 2, the six-digit code sent
// to it and "I understand". The page holds a signed, expiring token binding brand, customer and a
// keyed hash of the code, so nothing is stored until the request is made; a token gets five
// tries and works once. Success leads to the public status page.
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { CsrfField, FieldError, invalid, Status } from "~/components/portal/form";
import { notUnderstood, UnderstandBox, understood } from "~/components/privacy/erasure-forms";
import { useFocusFirstError } from "~/components/privacy/focus-first-error";
import { filledHoneypot, Honeypot, PublicPage } from "~/components/public-page";
import { useLocale } from "~/components/use-t";
import { bilingual, format } from "~/lib/bilingual";
import { parseForm, readForm, type FieldErrors } from "~/lib/forms.server";
import { resolveLocale } from "~/lib/i18n";
import { brandFromQuery, EmailStep, takeEmailAllowance } from "~/lib/public-forms.server";
import { findCustomerByEmail } from "~/models/customer.server";
import { spendOneTimeToken } from "~/models/portal-session.server";
import {
  checkErasureCode,
  CODE_TTL_MINUTES,
  erasureStatusPath,
  sendErasureCodeInBackground,
  sendErasureScheduledInBackground,
  startErasureCode,
} from "~/privacy/erasure-access.server";
import { ErasureRefusedError, requestErasure } from "~/privacy/erasure.server";
import styles from "~/styles/privacy.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

const text = bilingual(
  {
    title: "Effacer mes données",
    lead: "Demandez à {brand} d'effacer tout ce que Mesure conserve à votre sujet, sans vous connecter : indiquez votre adresse e-mail, nous y enverrons un code pour confirmer que c'est bien vous.",
    kept: "Seule une empreinte salée de votre adresse sera gardée, pour qu'un import ultérieur ne vous réinscrive pas ; le registre des consentements garde une preuve anonyme de vos choix.",
    email: "Adresse e-mail",
    send: "Recevoir un code",
    sending: "Envoi…",
    sent: "Si {brand} connaît cette adresse, un code à six chiffres vient de partir. Il est valable {minutes} minutes.",
    code: "Code reçu par e-mail (6 chiffres)",
    codeFormat: "Saisissez les six chiffres du code.",
    wrongCode: "Ce n'est pas le code envoyé. Vérifiez-le et réessayez.",
    confirm: "Effacer mes données",
    restart: "Utiliser une autre adresse",
    expired: "Ce code a expiré. Demandez-en un nouveau.",
    invalid: "Cette demande n'est pas valable. Recommencez.",
    used: "Ce code a déjà servi. Si vous avez besoin d'un nouveau code, demandez-le.",
    tooMany: "Trop d'essais avec ce code. Demandez-en un nouveau.",
    limited: "Trop de demandes pour l'instant. Réessayez dans une heure.",
    refused: "Il n'y a plus rien à effacer pour cette adresse.",
    fix: "Un point est à corriger.",
    noBrand: "Pour demander l'effacement de vos données, suivez le lien donné par la marque.",
  },
  {
    title: "Erase my data",
    lead: "Ask {brand} to erase everything Mesure keeps about you, without signing in: give your email address, and we will send a code there to confirm it is you.",
    kept: "Only a salted fingerprint of your address will be kept, so that a later import does not sign you up again; the consent ledger keeps anonymous proof of your choices.",
    email: "Email address",
    send: "Send me a code",
    sending: "Sending…",
    sent: "If {brand} knows this address, a six-digit code is on its way. It works for {minutes} minutes.",
    code: "Code received by email (6 digits)",
    codeFormat: "Enter the six digits of the code.",
    wrongCode: "That is not the code we sent. Check it and try again.",
    confirm: "Erase my data",
    restart: "Use another address",
    expired: "This code has expired. Ask for a new one.",
    invalid: "This request is not valid. Start again.",
    used: "This code was already used. If you need a new code, ask for one.",
    tooMany: "Too many tries with this code. Ask for a new one.",
    limited: "Too many requests for now. Try again in an hour.",
    refused: "There is nothing left to erase for this address.",
    fix: "One thing needs fixing.",
    noBrand: "To ask for your data to be erased, follow the link the brand gave you.",
  },
);

export const meta: MetaFunction = ({ matches }) => {
  const root = matches.find((match) => match.id === "root")?.data as { locale?: "fr" | "en" } | undefined;
  return [{ title: `${text[root?.locale ?? "fr"].title} — Mesure` }, { name: "robots", content: "noindex" }];
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const brand = await brandFromQuery(request, context.services.db);
  return data({ brand: brand && { name: brand.name, slug: brand.slug } }, { status: brand ? 200 : 404 });
}

type Answer = {
  step: "email" | "code";
  token: string | null;
  errors: FieldErrors | null;
  message: "sent" | "expired" | "invalid" | "used" | "tooMany" | "limited" | "refused" | "fix" | null;
};

const answer = (value: Answer, status = 200) => data(value, { status });

const CodeStep = z.object({ code: z.string().regex(/^\d{6}$/) });

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request, context.csrf);
  const { locale } = resolveLocale(request);
  const t = text[locale];
  const brand = await brandFromQuery(request, context.services.db);
  if (!brand) return answer({ step: "email", token: null, errors: null, message: "invalid" }, 404);
  const { db, secret } = context.services;

  if (form.get("intent") !== "confirm") {
    if (filledHoneypot(form)) {
      return answer({
        step: "code",
        token: startErasureCode(secret, brand.id, null).token,
        errors: null,
        message: "sent",
      });
    }
    const parsed = parseForm(EmailStep, { email: form.get("email") }, locale);
    if (!parsed.ok) return answer({ step: "email", token: null, errors: parsed.errors, message: "fix" }, 400);
    const { email } = parsed.data;
    if (!takeEmailAllowance(context, `erase:${email}`)) {
      return answer({ step: "email", token: null, errors: null, message: "limited" }, 429);
    }
    const customer = await findCustomerByEmail(db, { brandId: brand.id, email });
    const { token, code } = startErasureCode(secret, brand.id, customer?.id ?? null);
    if (customer) sendErasureCodeInBackground(context.services, brand, customer, code);
    return answer({ step: "code", token, errors: null, message: "sent" });
  }

  const token = String(form.get("token") ?? "");
  const errors: FieldErrors = {};
  const parsed = parseForm(CodeStep, { code: String(form.get("code") ?? "").replace(/\s+/g, "") }, locale);
  if (!parsed.ok) errors.code = t.codeFormat;
  if (!understood(form)) errors.understand = notUnderstood(locale);
  if (!parsed.ok || errors.understand) return answer({ step: "code", token, errors, message: "fix" }, 400);

  const checked = checkErasureCode(secret, token, parsed.data.code);
  if (!checked.ok) {
    if (checked.reason === "wrong_code") {
      return answer({ step: "code", token, errors: { code: t.wrongCode }, message: "fix" }, 400);
    }
    const message = checked.reason === "too_many" ? "tooMany" : checked.reason;
    return answer(
      { step: "email", token: null, errors: null, message },
      { too_many: 429, expired: 410, invalid: 400 }[checked.reason],
    );
  }
  if (checked.brandId !== brand.id)
    return answer({ step: "email", token: null, errors: null, message: "invalid" }, 400);
  if (!(await spendOneTimeToken(db, token, checked.expiresAt))) {
    return answer({ step: "email", token: null, errors: null, message: "used" }, 410);
  }
  const customer = await db.customer.findFirst({
    where: { id: checked.customerId, brandId: brand.id, erasedAt: null },
    select: { id: true, email: true, locale: true, timezone: true },
  });
  if (!customer) return answer({ step: "email", token: null, errors: null, message: "refused" }, 409);
  const now = new Date();
  let result;
  try {
    result = await requestErasure(db, { brandId: brand.id, customerId: customer.id, via: "email_code", now });
  } catch (error) {
    if (error instanceof ErasureRefusedError) {
      return answer({ step: "email", token: null, errors: null, message: "refused" }, 409);
    }
    throw error;
  }
  if (result.created) sendErasureScheduledInBackground(context.services, brand, customer, result.status, now);
  return redirect(
    erasureStatusPath(secret, { brandId: brand.id, customerId: customer.id, requestId: result.status.id }),
  );
}

export default function PublicErase() {
  const { brand } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const locale = useLocale();
  const t = text[locale];
  const errors = result?.errors ?? null;
  const busy = navigation.state === "submitting";
  const form = useFocusFirstError<HTMLFormElement>(errors);
  const message = result?.message;
  const notice =
    message === "sent"
      ? format(t.sent, { brand: brand?.name ?? "", minutes: CODE_TTL_MINUTES })
      : message
        ? t[message]
        : null;
  return (
    <PublicPage title={t.title}>
      {!brand ? (
        <p>{t.noBrand}</p>
      ) : (
        <>
          <p>{format(t.lead, { brand: brand.name })}</p>
          <p className="hint">{t.kept}</p>
          {notice ? <Status message={notice} tone={message === "sent" ? "ok" : "error"} /> : null}
          {result?.step === "code" && result.token ? (
            <>
              <Form method="post" className="stack" noValidate ref={form}>
                <CsrfField />
                <input type="hidden" name="intent" value="confirm" />
                <input type="hidden" name="token" value={result.token} />
                <div className="field">
                  <label htmlFor="code">{t.code}</label>
                  <input
                    id="code"
                    name="code"
                    type="text"
                    inputMode="numeric"
                    autoComplete="one-time-code"
                    pattern="[0-9]{6}"
                    maxLength={7}
                    required
                    className="code-input"
                    {...invalid("code", errors)}
                  />
                  <FieldError name="code" errors={errors} />
                </div>
                <UnderstandBox errors={errors} />
                <div>
                  <button type="submit" className="button danger" disabled={busy}>
                    {t.confirm}
                  </button>
                </div>
              </Form>
              <p>
                <a href={`/privacy/erase?brand=${encodeURIComponent(brand.slug)}`}>{t.restart}</a>
              </p>
            </>
          ) : (
            <Form method="post" className="stack" noValidate ref={form}>
              <CsrfField />
              <input type="hidden" name="intent" value="send" />
              <div className="field">
                <label htmlFor="email">{t.email}</label>
                <input
                  id="email"
                  name="email"
                  type="email"
                  autoComplete="email"
                  required
                  {...invalid("email", errors)}
                />
                <FieldError name="email" errors={errors} />
              </div>
              <Honeypot />
              <button type="submit" className="button" disabled={busy}>
                {busy ? t.sending : t.send}
              </button>
            </Form>
          )}
        </>
      )}
    </PublicPage>
  );
}
