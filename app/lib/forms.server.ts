// Form posts in the portal: CSRF first, then zod; field errors come back in the visitor's
// language, keyed by field name, for the page to show beside each field.
import { data } from "@remix-run/node";
import type { z } from "zod";
import { csrfMatches } from "./csrf.server";
import { textProblem } from "./storable-text";
import type { Locale } from "./vocabulary";

export type FieldErrors = Record<string, string>;

const messages = {
  fr: {
    required: "Ce champ est requis.",
    min: "Doit être au moins {min}.",
    max: "Doit être au plus {max}.",
    integer: "Doit être un nombre entier.",
    number: "Doit être un nombre.",
    time: "Doit être une heure, par exemple 21:30.",
    date: "Doit être une date.",
    future: "Doit être une date à venir.",
    email: "Doit être une adresse e-mail, par exemple nom@exemple.fr.",
    choice: "Choisissez une des options proposées.",
    quietPair: "Indiquez le début et la fin des heures de silence.",
    tooLong: "Doit faire au plus {max} caractères.",
    invalid: "Cette valeur n'est pas valable.",
  },
  en: {
    required: "This field is required.",
    min: "Must be at least {min}.",
    max: "Must be at most {max}.",
    integer: "Must be a whole number.",
    number: "Must be a number.",
    time: "Must be a time, e.g. 21:30.",
    date: "Must be a date.",
    future: "Must be a date to come.",
    email: "Must be an email address, e.g. name@example.com.",
    choice: "Choose one of the options offered.",
    quietPair: "Give both the start and the end of the quiet hours.",
    tooLong: "Must be at most {max} characters.",
    invalid: "This value is not valid.",
  },
} as const;
export type FormMessage = keyof (typeof messages)["fr"];

/** A schema's custom messages may name one of the messages above (e.g. `.refine(..., "future")`). */
function toText(issue: z.core.$ZodIssue, locale: Locale): string {
  const text = messages[locale];
  if (issue.message in text) return text[issue.message as FormMessage];
  switch (issue.code) {
    case "invalid_type":
      return issue.expected === "number" ? text.number : text.required;
    case "too_small":
      if (issue.origin === "string" && issue.minimum === 1) return text.required;
      return text.min.replace("{min}", String(issue.minimum));
    case "too_big":
      return (issue.origin === "string" ? text.tooLong : text.max).replace("{max}", String(issue.maximum));
    case "invalid_value":
      return text.choice;
    case "invalid_format":
      return issue.format === "email" ? text.email : text.invalid;
    default:
      return text.invalid;
  }
}

export function fieldErrors(error: z.ZodError, locale: Locale): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = issue.path.join(".") || "form";
    errors[field] ??= toText(issue, locale);
  }
  return errors;
}

/** The form, once its CSRF token checks out; a 403 otherwise. */
export async function readForm(request: Request, csrf: string): Promise<FormData> {
  const form = await request.formData();
  if (!csrfMatches(csrf, form)) {
    throw data({ formError: "csrf" }, { status: 403 });
  }
  // No field a person fills can hold U+0000, and no column can store it (app/lib/storable-text.ts):
  // refuse the form here rather than fail inside a transaction later. A lone surrogate cannot
  // arrive this way: form data is decoded to well-formed strings (U+FFFD in its place).
  for (const [name, value] of form) {
    if (textProblem(name) || (typeof value === "string" && textProblem(value)))
      throw data({ formError: "invalid", field: name }, { status: 400 });
  }
  return form;
}

/** Parses a form with a schema: the data, or the errors to show beside the fields. */
export function parseForm<T extends z.ZodType>(
  schema: T,
  values: Record<string, unknown>,
  locale: Locale,
): { ok: true; data: z.infer<T> } | { ok: false; errors: FieldErrors } {
  const parsed = schema.safeParse(values);
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false, errors: fieldErrors(parsed.error, locale) };
}
