// Who is using the console: the session cookie, checked by every console loader and action,
// with the role the request needs. No session sends the visitor to sign in; too low a role is a
// 403, never a silent no-op.
import type { AppLoadContext } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { readCookie } from "~/lib/i18n";
import { CONSOLE_COOKIE, findConsoleSession } from "~/models/console-session.server";
import { roleAllows, type Role } from "./roles";

export type ConsoleVisit = {
  sessionId: string;
  member: { id: string; email: string; name: string; role: Role };
  brand: { id: string; slug: string; name: string };
};

// The layout's loader and the page's both need the visit: one session read per HTTP request.
const visits = new WeakMap<AppLoadContext, Promise<ConsoleVisit | null>>();

export async function requireMember(
  request: Request,
  context: AppLoadContext,
  need: Role = "viewer",
): Promise<ConsoleVisit> {
  let pending = visits.get(context);
  if (!pending) {
    const token = readCookie(request.headers.get("Cookie"), CONSOLE_COOKIE);
    pending = token ? findConsoleSession(context.services.db, token) : Promise.resolve(null);
    visits.set(context, pending);
  }
  const visit = await pending;
  if (!visit) {
    const url = new URL(request.url);
    const next = request.method === "GET" ? `?next=${encodeURIComponent(url.pathname)}` : "";
    throw redirect(`/console/sign-in${next}`);
  }
  if (!roleAllows(visit.member.role, need)) throw data({ formError: "forbidden" }, { status: 403 });
  return visit;
}

export function consoleCookie(input: { token: string; expiresAt: Date }, secure: boolean): string {
  return `${CONSOLE_COOKIE}=${input.token}; HttpOnly; Expires=${input.expiresAt.toUTCString()}; Path=/console; SameSite=Lax${secure ? "; Secure" : ""}`;
}

export function clearConsoleCookie(secure: boolean): string {
  return `${CONSOLE_COOKIE}=; HttpOnly; Max-Age=0; Path=/console; SameSite=Lax${secure ? "; Secure" : ""}`;
}

/** Where to go after signing in: a console path only, never another site. */
export function safeConsolePath(next: string | null | undefined): string {
  return next && /^\/console(\/[A-Za-z0-9_.$-]+)*$/.test(next) ? next : "/console";
}
