// POST /portal/push: this customer's Web Push devices. `subscribe` saves the subscription the
// browser made (posted by the Channels page's script); `remove` forgets a device (a plain form,
// so it works without JavaScript). Script callers (Accept: application/json) get JSON; forms go
// back to the Channels page, which says what happened.
import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { z } from "zod";
import { findIllFormed } from "~/lib/api/parse-json";
import { csrfMatches } from "~/lib/csrf.server";
import { fieldErrors } from "~/lib/forms.server";
import { resolveLocale } from "~/lib/i18n";
import { requireVisit } from "~/lib/portal-auth.server";
import { PushSubscriptionInput, removePushSubscription, savePushSubscription } from "~/models/push-subscription.server";

/** What the Channels page shows after a form came back here (`?push=…`). */
export type PushOutcome = "subscribed" | "removed" | "not-found";

const json = z.string().transform((text, ctx) => {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    ctx.addIssue({ code: "custom", message: "invalid" });
    return z.NEVER;
  }
  // A `\ud800` escape in the text parses to a string no column can hold, as in any JSON body.
  if (findIllFormed(value, "") !== null) {
    ctx.addIssue({ code: "custom", message: "invalid" });
    return z.NEVER;
  }
  return value;
});

const PushForm = z.discriminatedUnion(
  "intent",
  [
    z.object({
      intent: z.literal("subscribe"),
      // What PushSubscription.toJSON() gives, as the JSON text the script posts.
      subscription: z.string({ error: "required" }).max(4096, "tooLong").pipe(json).pipe(PushSubscriptionInput),
    }),
    z.object({ intent: z.literal("remove"), id: z.string({ error: "required" }).trim().min(1).max(64) }),
  ],
  { error: "choice" },
);

// Nothing to show at this address: a GET (a bookmark, a reload after a form) lands on the page.
export const loader = () => redirect("/portal/channels#push");

export async function action({ request, context }: ActionFunctionArgs) {
  const wantsJson = (request.headers.get("Accept") ?? "").includes("application/json");
  const form = await request.formData();
  // The same check as readForm() in every portal form; answered here rather than thrown, since
  // a resource route has no page whose error boundary would show it.
  if (!csrfMatches(context.csrf, form)) return Response.json({ ok: false, formError: "csrf" }, { status: 403 });
  // A script whose session has ended gets a status it can act on, not the sign-in page's HTML.
  const visit = await requireVisit(request, context).catch((thrown: unknown) => {
    if (wantsJson && thrown instanceof Response) return null;
    throw thrown;
  });
  if (!visit) return Response.json({ ok: false, formError: "session" }, { status: 401 });
  const owner = { brandId: visit.brand.id, customerId: visit.customer.id };
  const done = (outcome: PushOutcome, body: Record<string, unknown>, status = 200) =>
    wantsJson
      ? Response.json({ ok: status < 400, ...body }, { status })
      : redirect(`/portal/channels?push=${outcome}#push`, 303);

  const values = Object.fromEntries([...form].filter(([key]) => key !== "csrf"));
  const parsed = PushForm.safeParse(values);
  if (!parsed.success) {
    // Only a script or a tampered form gets here (the page's own forms are always valid).
    const { locale } = resolveLocale(request);
    return Response.json({ ok: false, errors: fieldErrors(parsed.error, locale) }, { status: 400 });
  }
  const { db } = context.services;
  if (parsed.data.intent === "subscribe") {
    const saved = await savePushSubscription(db, owner, parsed.data.subscription, {
      userAgent: request.headers.get("User-Agent"),
    });
    return done("subscribed", { id: saved.id }, saved.created ? 201 : 200);
  }
  const removed = await removePushSubscription(db, owner, { id: parsed.data.id });
  // Someone else's id, or one already gone: nothing changes, and nothing says whose it was.
  return removed ? done("removed", {}) : done("not-found", { error: "not_found" }, 404);
}
