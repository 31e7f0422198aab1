// Signing out: the session is revoked in the database, not only forgotten by the browser.
import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { readForm } from "~/lib/forms.server";
import { readCookie } from "~/lib/i18n";
import { clearSessionCookie, isSecure, PORTAL_BRAND_COOKIE } from "~/lib/portal-auth.server";
import { PORTAL_COOKIE, revokePortalSession } from "~/models/portal-session.server";

export async function action({ request, context }: ActionFunctionArgs) {
  await readForm(request, context.csrf);
  const cookies = request.headers.get("Cookie");
  const token = readCookie(cookies, PORTAL_COOKIE);
  if (token) await revokePortalSession(context.services.db, token);
  const brand = readCookie(cookies, PORTAL_BRAND_COOKIE);
  return redirect(`/portal/sign-in${brand ? `?brand=${encodeURIComponent(brand)}` : ""}`, {
    headers: { "Set-Cookie": clearSessionCookie(isSecure(context)) },
  });
}

export async function loader() {
  return redirect("/portal");
}
