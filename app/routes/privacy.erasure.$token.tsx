// The public status page of an erasure request, reached by the signed link in the confirmation
// email (or right after asking by code): no session, since after the erasure there is nobody to
// sign in. The token names the brand and the request, and expires after 90 days. A refresh link
// works without JavaScript; with it, the page revalidates by itself until the request is done.
import type {
  ActionFunctionArgs,
  HeadersFunction,
  LinksFunction,
  LoaderFunctionArgs,
  MetaFunction,
} from "@remix-run/node";
import { data } from "@remix-run/node";
import { useActionData, useLoaderData, useLocation, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { Status } from "~/components/portal/form";
import { CancelErasureForm, cancelOutcome } from "~/components/privacy/erasure-forms";
import { ErasureProgress, erasureStatusView, type ErasureStatusView } from "~/components/privacy/erasure-progress";
import { PublicPage } from "~/components/public-page";
import { useLocale } from "~/components/use-t";
import { bilingual } from "~/lib/bilingual";
import { readForm } from "~/lib/forms.server";
import { readErasureStatusToken } from "~/privacy/erasure-access.server";
import { cancelErasure, getErasureStatus } from "~/privacy/erasure.server";
import styles from "~/styles/privacy.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

const text = bilingual(
  {
    title: "Effacement de vos données",
    lead: "Suivi de votre demande d'effacement chez {brand}.",
    refresh: "Actualiser",
    expired: "Ce lien de suivi a expiré",
    expiredBody: "Les liens de suivi durent 90 jours. Pour toute question, écrivez à la marque.",
    invalid: "Ce lien de suivi n'est pas valable",
    invalidBody: "Il a peut-être été coupé ou modifié en chemin. Ouvrez-le depuis l'e-mail de confirmation.",
  },
  {
    title: "Erasure of your data",
    lead: "Progress of your erasure request at {brand}.",
    refresh: "Refresh",
    expired: "This status link has expired",
    expiredBody: "Status links last 90 days. For any question, write to the brand.",
    invalid: "This status link is not valid",
    invalidBody: "It may have been cut or changed on the way. Open it from the confirmation email.",
  },
);

export const meta: MetaFunction = ({ matches }) => {
  const root = matches.find((match) => match.id === "root")?.data as { locale?: "fr" | "en" } | undefined;
  return [{ title: `${text[root?.locale ?? "fr"].title} — Mesure` }, { name: "robots", content: "noindex" }];
};

type Found = { problem: null; brand: string; timezone: string; view: ErasureStatusView };
type Problem = { problem: "expired" | "invalid"; brand: null; timezone: null; view: null };

async function find(context: LoaderFunctionArgs["context"], token: string) {
  const { db, secret } = context.services;
  const checked = readErasureStatusToken(secret, token);
  if (!checked.ok) return { problem: checked.reason } as const;
  const [status, brand] = await Promise.all([
    getErasureStatus(db, { brandId: checked.brandId, requestId: checked.requestId }),
    db.brand.findUnique({ where: { id: checked.brandId }, select: { name: true, defaultTimezone: true } }),
  ]);
  if (!status || !brand) return { problem: "invalid" } as const;
  return { problem: null, status, brand, brandId: checked.brandId } as const;
}

export async function loader({ params, context }: LoaderFunctionArgs) {
  const found = await find(context, params.token ?? "");
  if (found.problem) {
    return data<Found | Problem>(
      { problem: found.problem, brand: null, timezone: null, view: null },
      { status: found.problem === "expired" ? 410 : 404 },
    );
  }
  return data<Found | Problem>({
    problem: null,
    brand: found.brand.name,
    // The customer's own zone may be erased already; the brand's is the one left to use.
    timezone: found.brand.defaultTimezone,
    view: erasureStatusView(found.status),
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  await readForm(request, context.csrf);
  const found = await find(context, params.token ?? "");
  if (found.problem) return data({ cancelled: false }, { status: found.problem === "expired" ? 410 : 404 });
  const cancelled = await cancelErasure(context.services.db, { brandId: found.brandId, requestId: found.status.id });
  return data({ cancelled }, { status: cancelled ? 200 : 409 });
}

const OPEN = new Set(["scheduled", "propagating"]);

export default function ErasureStatusPage() {
  const found = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const revalidator = useRevalidator();
  const location = useLocation();
  const locale = useLocale();
  const t = text[locale];
  const open = found.view ? OPEN.has(found.view.status) : false;
  // Only while something can still move; a request waiting out days of grace is looked at rarely.
  const every = found.view?.status === "scheduled" && !found.view.startsNow ? 60_000 : 4_000;
  useEffect(() => {
    if (!open) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle" && document.visibilityState === "visible") revalidator.revalidate();
    }, every);
    return () => clearInterval(timer);
  }, [open, every, revalidator]);

  if (found.problem) {
    return (
      <main id="main" className="page narrow">
        <h1>{found.problem === "expired" ? t.expired : t.invalid}</h1>
        <p>{found.problem === "expired" ? t.expiredBody : t.invalidBody}</p>
      </main>
    );
  }
  return (
    <PublicPage title={t.title}>
      <p>{t.lead.replace("{brand}", found.brand)}</p>
      {result ? (
        <Status message={cancelOutcome(locale, result.cancelled)} tone={result.cancelled ? "ok" : "error"} />
      ) : null}
      <ErasureProgress status={found.view} locale={locale} timezone={found.timezone} />
      {open ? (
        <p className="no-print">
          <a href={location.pathname}>{t.refresh}</a>
        </p>
      ) : null}
      {found.view.status === "scheduled" ? <CancelErasureForm /> : null}
    </PublicPage>
  );
}
