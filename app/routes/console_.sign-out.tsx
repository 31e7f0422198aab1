// Signing out of the console: the session is revoked in the database, not only forgotten by the
// browser, so a copied cookie stops working too.
import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { clearConsoleCookie } from "~/console/auth.server";
import { readForm } from "~/lib/forms.server";
import { readCookie } from "~/lib/i18n";
import { isSecure } from "~/lib/portal-auth.server";
import { CONSOLE_COOKIE, revokeConsoleSession } from "~/models/console-session.server";

export async function action({ request, context }: ActionFunctionArgs) {
  await readForm(request, context.csrf);
  const token = readCookie(request.headers.get("Cookie"), CONSOLE_COOKIE);
  if (token) await revokeConsoleSession(context.services.db, token);
  return redirect("/console/sign-in", { headers: { "Set-Cookie": clearConsoleCookie(isSecure(context)) } });
}

export async function loader() {
  return redirect("/console");
}
