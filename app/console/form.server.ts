// What every console action starts with: the member (with the role the change needs), the form
// once its CSRF token checks out, and the language to answer in.
import type { AppLoadContext } from "@remix-run/node";
import { readForm } from "~/lib/forms.server";
import { resolveLocale } from "~/lib/i18n";
import type { Locale } from "~/lib/vocabulary";
import { requireMember, type ConsoleVisit } from "./auth.server";
import type { Role } from "./roles";

export async function consoleForm(
  request: Request,
  context: AppLoadContext,
  need: Role,
): Promise<{ visit: ConsoleVisit; form: FormData; locale: Locale }> {
  const visit = await requireMember(request, context, need);
  const form = await readForm(request, context.csrf);
  return { visit, form, locale: resolveLocale(request).locale };
}

/** The form's text fields as a plain object, for zod (files and repeated names left out). */
export function formFields(form: FormData): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of form.entries()) if (typeof value === "string" && !(name in fields)) fields[name] = value;
  return fields;
}
