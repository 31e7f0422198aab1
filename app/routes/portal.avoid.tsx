// Subjects to avoid: tags the customer never wants to hear about, on any channel, whatever
// else they chose (a brand tags its messages; the policy denies any that carries one of these).
// Sensitive moments come first in the list, because that is when it matters most.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { CsrfField, FieldError, invalid, Status } from "~/components/portal/form";
import { useLocale } from "~/components/use-t";
import { bilingual } from "~/lib/bilingual";
import { fieldErrors, readForm } from "~/lib/forms.server";
import { resolveLocale } from "~/lib/i18n";
import { fromJson } from "~/lib/json-column";
import { requireVisit } from "~/lib/portal-auth.server";
import { sensitiveSubjects, toTag } from "~/lib/subjects";
import { editPreferences } from "~/models/preferences.server";

const text = bilingual(
  {
    title: "Sujets à éviter",
    lead: "Cochez ce dont vous ne voulez jamais entendre parler. Cela s'applique à tous les canaux et l'emporte sur tous vos autres choix.",
    common: "Moments sensibles",
    yours: "Vos propres sujets",
    add: "Ajouter un sujet",
    addHint: "Un mot ou deux, par exemple « fourrure ».",
    save: "Enregistrer",
    saved: "C'est enregistré. Aucun message sur ces sujets ne partira plus.",
    fix: "Certains champs sont à corriger ; rien n'a été enregistré.",
    tooMany: "Vous pouvez éviter au plus 50 sujets.",
    tagTooLong: "Un sujet fait au plus 60 caractères.",
  },
  {
    title: "Subjects to avoid",
    lead: "Tick what you never want to hear about. It applies to every channel and overrides all your other choices.",
    common: "Sensitive moments",
    yours: "Your own subjects",
    add: "Add a subject",
    addHint: "A word or two, for example \u201cfur\u201d.",
    save: "Save",
    saved: "Saved. No message on these subjects will go out any more.",
    fix: "Some fields need fixing; nothing was saved.",
    tooMany: "You can avoid at most 50 subjects.",
    tagTooLong: "A subject is at most 60 characters long.",
  },
);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const visit = await requireVisit(request, context);
  const preference = await context.services.db.customerPreference.findUnique({
    where: { customerId: visit.customer.id },
    select: { excludedTags: true },
  });
  const tags = preference ? fromJson(z.array(z.string()), preference.excludedTags, "excludedTags") : [];
  return { tags };
}

/** As long as a tag may be (GeneralSettings in app/models/preferences.server.ts). */
const MAX_TAG = 60;
const AddForm = z.object({ add: z.string().trim().max(MAX_TAG) });

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request, context.csrf);
  const visit = await requireVisit(request, context);
  const { locale } = resolveLocale(request);
  const parsed = AddForm.safeParse({ add: form.get("add") ?? "" });
  if (!parsed.success) return data({ ok: false, errors: fieldErrors(parsed.error, locale) }, { status: 400 });
  const tags = new Set(
    form
      .getAll("tags")
      .map((tag) => toTag(String(tag)))
      .filter(Boolean),
  );
  // The ticked boxes come back as the page wrote them: a longer one is a forged or stale form,
  // refused here rather than by the model's own check (a ZodError, a 500).
  const refuse = (errors: Record<string, string>) => data({ ok: false, errors }, { status: 400 });
  if ([...tags].some((tag) => tag.length > MAX_TAG)) return refuse({ tags: text[locale].tagTooLong });
  const added = toTag(parsed.data.add);
  if (added.length > MAX_TAG) return refuse({ add: text[locale].tagTooLong });
  if (added) tags.add(added);
  if (tags.size > 50) return refuse({ add: text[locale].tooMany });
  await editPreferences(
    context.services.db,
    { brandId: visit.brand.id, customerId: visit.customer.id },
    { source: "portal" },
    (editor) => editor.setGeneralSettings({ excludedTags: [...tags] }),
  );
  return { ok: true, errors: {} as Record<string, string> };
}

export default function Avoid() {
  const { tags } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const locale = useLocale();
  const t = text[locale];
  const errors = result?.errors ?? {};
  const own = tags.filter((tag) => !sensitiveSubjects.some((subject) => subject.tag === tag));
  return (
    <>
      <h1>{t.title}</h1>
      <p>{t.lead}</p>
      {result?.ok ? <Status message={t.saved} /> : null}
      {result && !result.ok ? <Status message={t.fix} tone="error" /> : null}
      <Form method="post" className="stack" noValidate>
        <CsrfField />
        <fieldset className="card">
          <legend>{t.common}</legend>
          {sensitiveSubjects.map((subject) => (
            <div className="field checkbox" key={subject.tag}>
              <input
                type="checkbox"
                id={`tag-${subject.tag}`}
                name="tags"
                value={subject.tag}
                defaultChecked={tags.includes(subject.tag)}
              />
              <label htmlFor={`tag-${subject.tag}`}>{subject[locale]}</label>
            </div>
          ))}
        </fieldset>
        <fieldset className="card" {...(errors.tags ? { "aria-describedby": "error-tags" } : {})}>
          <legend>{t.yours}</legend>
          <FieldError name="tags" errors={errors} />
          {own.map((tag) => (
            <div className="field checkbox" key={tag}>
              <input type="checkbox" id={`tag-${tag}`} name="tags" value={tag} defaultChecked />
              <label htmlFor={`tag-${tag}`}>{tag}</label>
            </div>
          ))}
          <div className="field">
            <label htmlFor="add">{t.add}</label>
            <input
              id="add"
              name="add"
              type="text"
              maxLength={60}
              {...invalid("add", errors)}
              aria-describedby={errors.add ? "add-hint error-add" : "add-hint"}
            />
            <p className="hint" id="add-hint">
              {t.addHint}
            </p>
            <FieldError name="add" errors={errors} />
          </div>
        </fieldset>
        <button type="submit" className="button" disabled={navigation.state === "submitting"}>
          {t.save}
        </button>
      </Form>
    </>
  );
}
