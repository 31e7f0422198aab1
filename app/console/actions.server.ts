// What console actions with several intents (one form per button) start with: the member with
// the role needed, the checked form as plain fields, who acts (for the audit) and which intent.
import type { AppLoadContext } from "@remix-run/node";
import type { z } from "zod";
import type { Locale } from "~/lib/vocabulary";
import type { ConsoleVisit } from "./auth.server";
import { consoleForm, formFields } from "./form.server";
import type { Role } from "./roles";

export type IntentForm<I extends string> = {
  visit: ConsoleVisit;
  form: FormData;
  fields: Record<string, string>;
  locale: Locale;
  /** The brand and the actor every model write of the console is recorded with. */
  who: { brandId: string; actor: string };
  /** null when the form names no known intent: the route answers 400. */
  intent: I | null;
};

export async function intentForm<I extends string>(
  request: Request,
  context: AppLoadContext,
  need: Role,
  intents: z.ZodType<I>,
): Promise<IntentForm<I>> {
  const { visit, form, locale } = await consoleForm(request, context, need);
  const fields = formFields(form);
  const intent = intents.safeParse(fields.intent);
  return {
    visit,
    form,
    fields,
    locale,
    who: { brandId: visit.brand.id, actor: visit.member.email },
    intent: intent.success ? intent.data : null,
  };
}
