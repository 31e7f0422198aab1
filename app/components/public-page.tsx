// The frame of a page outside the portal's layout (sign-in, erasure by code, an erasure's status):
// a narrow column under the language switch; and the honeypot of its forms.
import type { ReactNode } from "react";
import { bilingual } from "~/lib/bilingual";
import { LanguageSwitch } from "./language-switch";
import { useLocale } from "./use-t";

export function PublicPage({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main id="main" className="page narrow">
      <div className="page-tools">
        <LanguageSwitch />
      </div>
      <h1>{title}</h1>
      {children}
    </main>
  );
}

const text = bilingual({ website: "Ne remplissez pas ce champ" }, { website: "Leave this field empty" });

const HONEYPOT = "website";

/** A field people cannot see (and should it show, are told to leave empty): only robots fill it. */
export function Honeypot() {
  const t = text[useLocale()];
  return (
    <div className="honeypot" aria-hidden="true">
      <label htmlFor={HONEYPOT}>{t.website}</label>
      <input id={HONEYPOT} name={HONEYPOT} type="text" tabIndex={-1} autoComplete="off" />
    </div>
  );
}

/** Whether a robot filled the honeypot: the action then answers as for anyone, and sends nothing. */
export function filledHoneypot(form: FormData): boolean {
  return String(form.get(HONEYPOT) ?? "") !== "";
}
