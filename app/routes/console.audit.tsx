// /console/audit: who changed what in the brand's settings, newest first, with "older" paging
// and filters (action code prefix, author) as a plain GET form. Each entry's detail is shown
// as readable key/value pairs. Every member may read the log; nobody can change it.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { ConsolePage } from "~/components/console/page";
import { FieldError, invalid } from "~/components/portal/form";
import { formatDateTime } from "~/components/portal/words";
import { useLocale } from "~/components/use-t";
import { requireMember } from "~/console/auth.server";
import { bilingual, format } from "~/lib/bilingual";
import { resolveLocale } from "~/lib/i18n";
import { listAudit } from "~/models/audit.server";

const text = bilingual(
  {
    title: "Journal d'audit",
    lead: "Chaque modification faite dans la console (et par la ligne de commande) : qui, quoi, quand. Le journal ne peut pas être modifié.",
    action: "Action (début du code, par exemple « topic » ou « api_key.revoke »)",
    actor: "Auteur (adresse exacte, « cli » ou « api-key:… »)",
    apply: "Filtrer",
    reset: "Tout afficher",
    badAction: "Lettres minuscules, chiffres, points et tirets bas uniquement (80 au plus).",
    badActor: "254 caractères au plus.",
    badCursor: "Ce lien de page n'est pas valable.",
    caption: "Entrées du journal, la plus récente d'abord (heure de {zone})",
    when: "Quand",
    who: "Qui",
    what: "Action",
    target: "Sur",
    detail: "Détail",
    none: "—",
    empty: "Aucune entrée.",
    older: "Entrées plus anciennes",
    newest: "Entrées les plus récentes",
  },
  {
    title: "Audit log",
    lead: "Every change made in the console (and from the command line): who, what, when. The log cannot be changed.",
    action: "Action (start of the code, e.g. \u201ctopic\u201d or \u201capi_key.revoke\u201d)",
    actor: "Author (exact address, \u201ccli\u201d or \u201capi-key:…\u201d)",
    apply: "Filter",
    reset: "Show everything",
    badAction: "Lower-case letters, digits, dots and underscores only (80 at most).",
    badActor: "254 characters at most.",
    badCursor: "This page link is not valid.",
    caption: "Log entries, newest first (times in {zone})",
    when: "When",
    who: "Who",
    what: "Action",
    target: "On",
    detail: "Detail",
    none: "—",
    empty: "No entry.",
    older: "Older entries",
    newest: "Newest entries",
  },
);

const Filters = {
  action: z
    .string()
    .trim()
    .regex(/^[a-z0-9_.-]{0,80}$/, "badAction"),
  actor: z.string().trim().max(254, "badActor"),
  cursor: z.string().regex(/^[A-Za-z0-9_-]{0,64}$/, "badCursor"),
} as const;
type Filter = keyof typeof Filters;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const visit = await requireMember(request, context);
  const { locale } = resolveLocale(request);
  const params = new URL(request.url).searchParams;
  const raw = {
    action: params.get("action") ?? "",
    actor: params.get("actor") ?? "",
    cursor: params.get("cursor") ?? "",
  };
  const errors: Record<string, string> = {};
  // Each filter on its own: a bad one is pointed out beside its field, the others still apply.
  const valid = (field: Filter): string => {
    const parsed = Filters[field].safeParse(raw[field]);
    if (parsed.success) return parsed.data;
    errors[field] = text[locale][parsed.error.issues[0]!.message as "badAction" | "badActor" | "badCursor"];
    return "";
  };
  const filters = { action: valid("action"), actor: valid("actor"), cursor: valid("cursor") };
  const { db } = context.services;
  const [page, brand] = await Promise.all([
    listAudit(db, visit.brand.id, {
      action: filters.action || undefined,
      actor: filters.actor || undefined,
      cursor: filters.cursor || undefined,
      take: 50,
    }),
    db.brand.findUniqueOrThrow({ where: { id: visit.brand.id }, select: { defaultTimezone: true } }),
  ]);
  const body = {
    values: { action: raw.action, actor: raw.actor },
    filters: { action: filters.action, actor: filters.actor },
    paged: Boolean(filters.cursor),
    errors: Object.keys(errors).length ? errors : null,
    timezone: brand.defaultTimezone,
    next: page.next,
    entries: page.entries.map((entry) => ({
      id: entry.id,
      at: entry.createdAt.toISOString(),
      actor: entry.actor,
      action: entry.action,
      target: entry.target,
      detail: Object.entries(entry.detail).map(([key, value]) => ({
        key,
        value: typeof value === "string" ? value : JSON.stringify(value, null, 2),
      })),
    })),
  };
  return data(body, { status: body.errors ? 400 : 200 });
}

export default function AuditLog() {
  const loaded = useLoaderData<typeof loader>();
  const locale = useLocale();
  const t = text[locale];
  const query = (extra: Record<string, string>) => {
    const params = new URLSearchParams();
    if (loaded.filters.action) params.set("action", loaded.filters.action);
    if (loaded.filters.actor) params.set("actor", loaded.filters.actor);
    for (const [key, value] of Object.entries(extra)) params.set(key, value);
    const text = params.toString();
    return text ? `/console/audit?${text}` : "/console/audit";
  };
  const caption = format(t.caption, { zone: loaded.timezone });
  return (
    <ConsolePage title={t.title} lead={t.lead}>
      <Form method="get" className="console-card filter-form">
        <div className="field">
          <label htmlFor="audit-action">{t.action}</label>
          <input
            id="audit-action"
            name="action"
            defaultValue={loaded.values.action}
            maxLength={80}
            {...invalid("action", loaded.errors)}
          />
          <FieldError name="action" errors={loaded.errors} />
        </div>
        <div className="field">
          <label htmlFor="audit-actor">{t.actor}</label>
          <input
            id="audit-actor"
            name="actor"
            defaultValue={loaded.values.actor}
            maxLength={254}
            {...invalid("actor", loaded.errors)}
          />
          <FieldError name="actor" errors={loaded.errors} />
        </div>
        <FieldError name="cursor" errors={loaded.errors} />
        <p className="search-row">
          <button type="submit" className="button">
            {t.apply}
          </button>
          <Link to="/console/audit">{t.reset}</Link>
        </p>
      </Form>
      {loaded.entries.length === 0 ? (
        <p>{t.empty}</p>
      ) : (
        <div className="table-scroll" tabIndex={0} role="region" aria-label={caption}>
          <table className="table audit">
            <caption>{caption}</caption>
            <thead>
              <tr>
                <th scope="col">{t.when}</th>
                <th scope="col">{t.who}</th>
                <th scope="col">{t.what}</th>
                <th scope="col">{t.target}</th>
                <th scope="col">{t.detail}</th>
              </tr>
            </thead>
            <tbody>
              {loaded.entries.map((entry) => (
                <tr key={entry.id}>
                  <td>{formatDateTime(locale, entry.at, loaded.timezone)}</td>
                  <td>{entry.actor}</td>
                  <td>
                    <code>{entry.action}</code>
                  </td>
                  <td>{entry.target || t.none}</td>
                  <td>
                    {entry.detail.length === 0 ? (
                      t.none
                    ) : (
                      <dl className="audit-detail">
                        {entry.detail.map((item) => (
                          <div key={item.key}>
                            <dt>{item.key}</dt>
                            <dd>
                              <code>{item.value}</code>
                            </dd>
                          </div>
                        ))}
                      </dl>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="pager">
        {loaded.paged ? <Link to={query({})}>{t.newest}</Link> : null}
        {loaded.next ? <Link to={query({ cursor: loaded.next })}>{t.older}</Link> : null}
      </p>
    </ConsolePage>
  );
}
