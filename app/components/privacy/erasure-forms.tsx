// What the erasure forms of the portal and of the public pages share: the "I understand" box
// that asking needs, and the button that cancels a request still in its grace period, with the
// words of their outcomes.
import { Form, useNavigation } from "@remix-run/react";
import { CsrfField, FieldError, invalid } from "~/components/portal/form";
import { bilingual } from "~/lib/bilingual";
import type { Locale } from "~/lib/vocabulary";
import { useLocale } from "~/components/use-t";

const text = bilingual(
  {
    understand: "J'ai compris : mes données seront effacées et cela ne pourra pas être défait.",
    mustUnderstand: "Cochez cette case pour confirmer que vous avez compris.",
    cancel: "Annuler ma demande",
    cancelHint: "Possible tant que l'effacement n'a pas commencé.",
    cancelled: "Votre demande est annulée : rien n'a été effacé.",
    tooLate: "Il est trop tard pour annuler : l'effacement a commencé.",
  },
  {
    understand: "I understand: my data will be erased and this cannot be undone.",
    mustUnderstand: "Tick this box to confirm that you understand.",
    cancel: "Cancel my request",
    cancelHint: "Possible until the erasure has started.",
    cancelled: "Your request is cancelled: nothing was erased.",
    tooLate: "Too late to cancel: the erasure has started.",
  },
);

/** Whether the "I understand" box was ticked. */
export function understood(form: FormData): boolean {
  return form.get("understand") === "on";
}

/** The field error when it was not. */
export function notUnderstood(locale: Locale): string {
  return text[locale].mustUnderstand;
}

export function UnderstandBox({ errors }: { errors: Record<string, string> | null }) {
  const t = text[useLocale()];
  return (
    <>
      <div className="field checkbox">
        <input type="checkbox" id="understand" name="understand" required {...invalid("understand", errors)} />
        <label htmlFor="understand">{t.understand}</label>
      </div>
      <FieldError name="understand" errors={errors} />
    </>
  );
}

/** Posts `intent=cancel` to the page's own action. */
export function CancelErasureForm() {
  const t = text[useLocale()];
  const navigation = useNavigation();
  return (
    <Form method="post" className="actions">
      <CsrfField />
      <input type="hidden" name="intent" value="cancel" />
      <button
        type="submit"
        className="button secondary"
        disabled={navigation.state === "submitting"}
        aria-describedby="cancel-hint"
      >
        {t.cancel}
      </button>
      <span className="hint" id="cancel-hint">
        {t.cancelHint}
      </span>
    </Form>
  );
}

/** What a cancel came to: cancelled, or too late (the erasure had started). */
export function cancelOutcome(locale: Locale, cancelled: boolean): string {
  return cancelled ? text[locale].cancelled : text[locale].tooLate;
}
