// The in-app inbox: notifications the brand sent to the portal (the scheduler's in-app
// channel), newest first, each marked read on request or all at once.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { CsrfField } from "~/components/portal/form";
import { formatDateTime } from "~/components/portal/words";
import { useLocale } from "~/components/use-t";
import { bilingual } from "~/lib/bilingual";
import { readForm } from "~/lib/forms.server";
import { requireVisit } from "~/lib/portal-auth.server";

const text = bilingual(
  {
    title: "Notifications",
    empty: "Aucune notification pour l'instant.",
    unread: "Non lue",
    markRead: "Marquer comme lue",
    markAll: "Tout marquer comme lu",
  },
  {
    title: "Notifications",
    empty: "No notification yet.",
    unread: "Unread",
    markRead: "Mark as read",
    markAll: "Mark all as read",
  },
);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const visit = await requireVisit(request, context);
  const items = await context.services.db.inboxItem.findMany({
    where: { customerId: visit.customer.id, brandId: visit.brand.id },
    orderBy: { createdAt: "desc" },
    take: 100,
    select: { id: true, title: true, body: true, createdAt: true, readAt: true },
  });
  return {
    timezone: visit.customer.timezone,
    items: items.map((item) => ({ ...item, createdAt: item.createdAt.toISOString(), read: item.readAt !== null })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request, context.csrf);
  const visit = await requireVisit(request, context);
  const id = form.get("id");
  // Scoped to the customer: an id from someone else's inbox changes nothing.
  await context.services.db.inboxItem.updateMany({
    where: { customerId: visit.customer.id, readAt: null, ...(typeof id === "string" && id ? { id } : {}) },
    data: { readAt: new Date() },
  });
  return { ok: true };
}

export default function Inbox() {
  const { items, timezone } = useLoaderData<typeof loader>();
  const locale = useLocale();
  const t = text[locale];
  return (
    <>
      <h1>{t.title}</h1>
      {items.some((item) => !item.read) ? (
        <Form method="post">
          <CsrfField />
          <button type="submit" className="button secondary">
            {t.markAll}
          </button>
        </Form>
      ) : null}
      {items.length === 0 ? <p>{t.empty}</p> : null}
      <ul className="inbox">
        {items.map((item) => (
          <li key={item.id} className={item.read ? "read" : "unread"}>
            <article aria-labelledby={`item-${item.id}`}>
              <h2 id={`item-${item.id}`}>
                {item.read ? null : <span className="tag">{t.unread}</span>} {item.title}
              </h2>
              <p className="hint">{formatDateTime(locale, item.createdAt, timezone)}</p>
              <p>{item.body}</p>
              {item.read ? null : (
                <Form method="post">
                  <CsrfField />
                  <input type="hidden" name="id" value={item.id} />
                  <button type="submit" className="link-button">
                    {t.markRead}
                    <span className="visually-hidden">{` (${item.title})`}</span>
                  </button>
                </Form>
              )}
            </article>
          </li>
        ))}
      </ul>
    </>
  );
}
