// The checkboxes that choose an endpoint's events, each named and explained in the page's
// language, with the error beside them: the add form and the endpoint's page both use it.
import { errorId, FieldError } from "~/components/portal/form";
import { useLocale } from "~/components/use-t";
import type { FieldErrors } from "~/lib/forms.server";
import { WEBHOOK_EVENT_TYPES } from "./events";
import { eventWords } from "./words";

/** The events an endpoint listens to, as checkboxes, each with what it tells, and the fieldset's error. */
export function EventChoices({
  legend,
  chosen,
  errors,
}: {
  legend: string;
  chosen: readonly string[];
  errors: FieldErrors | null;
}) {
  const locale = useLocale();
  return (
    // aria-invalid does not apply to a group: the fieldset points at its message instead.
    <fieldset className="field" aria-describedby={errors?.events ? errorId("events") : undefined}>
      <legend>{legend}</legend>
      {WEBHOOK_EVENT_TYPES.map((type) => {
        // Without the type's dot, so the id also works as a CSS selector.
        const id = `event-${type.replace(".", "-")}`;
        return (
          <div key={type} className="field checkbox">
            <input
              id={id}
              name="events"
              type="checkbox"
              value={type}
              defaultChecked={chosen.includes(type)}
              aria-describedby={`${id}-hint`}
            />
            <label htmlFor={id}>
              {eventWords[locale][type].name} <code>{type}</code>
            </label>
            <p className="hint" id={`${id}-hint`}>
              {eventWords[locale][type].hint}
            </p>
          </div>
        );
      })}
      <FieldError name="events" errors={errors} />
    </fieldset>
  );
}
