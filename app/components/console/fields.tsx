// Pieces the console pages repeat: a labelled field with its hint and its error beside it, the
// card that shows a secret once, the confirmation card of a removal, and the outcome status line.
import { Form, Link } from "@remix-run/react";
import type { InputHTMLAttributes, ReactNode, TextareaHTMLAttributes } from "react";
import { CsrfField, errorId, FieldError, Status } from "~/components/portal/form";

type Errors = Record<string, string> | null | undefined;

type FieldFrame = {
  /** The input's id, which the label points at. */
  id: string;
  /** The form field's name, which errors are keyed by. */
  name: string;
  label: ReactNode;
  errors: Errors;
  /** A hint paragraph this field renders (needs hintId). */
  hint?: ReactNode;
  /** The id of the hint describing the field: its own, or one elsewhere on the page. */
  hintId?: string;
  /** Where the field's own hint stands: between label and input, or after the input. */
  hintFirst?: boolean;
  /** When the field is in error, whether the hint still describes it (after the error). */
  keepHint?: boolean;
  /** The wrapper's class ("field" unless told). */
  className?: string;
};

/** aria-describedby of a field: its error when it has one (with the hint if asked), else its hint. */
function describedBy({ name, errors, hintId, keepHint }: FieldFrame): string | undefined {
  if (!errors?.[name]) return hintId;
  return keepHint && hintId ? `${errorId(name)} ${hintId}` : errorId(name);
}

function Frame(props: FieldFrame & { children: ReactNode }) {
  const hint =
    props.hint !== undefined && props.hintId ? (
      <p className="hint" id={props.hintId}>
        {props.hint}
      </p>
    ) : null;
  return (
    <div className={props.className ?? "field"}>
      <label htmlFor={props.id}>{props.label}</label>
      {props.hintFirst ? hint : null}
      {props.children}
      {props.hintFirst ? null : hint}
      <FieldError name={props.name} errors={props.errors} />
    </div>
  );
}

type FrameKeys = keyof FieldFrame;

/** A labelled <input> (text, number, email, url…) with its hint and its error beside it. */
export function TextField(props: FieldFrame & Omit<InputHTMLAttributes<HTMLInputElement>, FrameKeys>) {
  const { id, name, label, errors, hint, hintId, hintFirst, keepHint, className, ...input } = props;
  const frame = { id, name, label, errors, hint, hintId, hintFirst, keepHint, className };
  return (
    <Frame {...frame}>
      <input
        id={id}
        name={name}
        {...input}
        aria-describedby={describedBy(frame)}
        aria-invalid={errors?.[name] ? true : undefined}
      />
    </Frame>
  );
}

/** A labelled <textarea> with its hint and its error beside it. */
export function TextAreaField(props: FieldFrame & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, FrameKeys>) {
  const { id, name, label, errors, hint, hintId, hintFirst, keepHint, className, ...area } = props;
  const frame = { id, name, label, errors, hint, hintId, hintFirst, keepHint, className };
  return (
    <Frame {...frame}>
      <textarea
        id={id}
        name={name}
        {...area}
        aria-describedby={describedBy(frame)}
        aria-invalid={errors?.[name] ? true : undefined}
      />
    </Frame>
  );
}

/** A secret (API key, signing secret) in the one answer that carries it, with how to keep it. */
export function SecretOnce({
  id,
  title,
  body,
  secret,
}: {
  id: string;
  title: ReactNode;
  body: ReactNode;
  secret: string;
}) {
  return (
    <section className="console-card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      <p>{body}</p>
      <p className="secret-once">
        <code>{secret}</code>
      </p>
    </section>
  );
}

/** The sentence an action answers with: announced, and an alert when it went wrong. */
export function OutcomeStatus({ said }: { said: { message: string; ok: boolean } | null }) {
  return said ? <Status message={said.message} tone={said.ok ? "ok" : "error"} /> : null;
}

/**
 * The card asking to confirm a removal, reached by a link (works without JavaScript): its hidden
 * fields say what to remove; `intent` goes on the button when given, else among the hidden fields.
 */
export function ConfirmCard(props: {
  id: string;
  title: ReactNode;
  body: ReactNode;
  action?: string;
  fields: Record<string, string>;
  intent?: string;
  confirm: string;
  cancel: string;
  busy: boolean;
}) {
  return (
    <section className="console-card console-confirm" id={props.id} aria-labelledby={`${props.id}-title`}>
      <h2 id={`${props.id}-title`}>{props.title}</h2>
      <p>{props.body}</p>
      <Form method="post" action={props.action} className="actions">
        <CsrfField />
        {Object.entries(props.fields).map(([name, value]) => (
          <input key={name} type="hidden" name={name} value={value} />
        ))}
        <button
          type="submit"
          name={props.intent ? "intent" : undefined}
          value={props.intent}
          className="button danger"
          disabled={props.busy}
        >
          {props.confirm}
        </button>
        <Link to="." className="button secondary">
          {props.cancel}
        </Link>
      </Form>
    </section>
  );
}
