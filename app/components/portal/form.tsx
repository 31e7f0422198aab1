// Pieces every portal form uses: the CSRF field, errors beside fields, a status line that
// screen readers announce.
import { useRouteLoaderData } from "@remix-run/react";

export function CsrfField() {
  const data = useRouteLoaderData<{ csrf: string }>("root");
  return <input type="hidden" name="csrf" value={data?.csrf ?? ""} />;
}

/** The message for one field, tied to its input by id (`aria-describedby={errorId(name)}`). */
export function FieldError({ name, errors }: { name: string; errors?: Record<string, string> | null }) {
  const message = errors?.[name];
  if (!message) return null;
  return (
    <p className="field-error" id={errorId(name)}>
      {message}
    </p>
  );
}

export function errorId(name: string): string {
  return `error-${name.replace(/[^A-Za-z0-9_-]/g, "-")}`;
}

/** Props that mark an input invalid and point it at its message. */
export function invalid(name: string, errors?: Record<string, string> | null) {
  return errors?.[name] ? { "aria-invalid": true as const, "aria-describedby": errorId(name) } : {};
}

export function Status({ message, tone = "ok" }: { message?: string | null; tone?: "ok" | "error" }) {
  return (
    <p className={`status status-${tone}`} role={tone === "error" ? "alert" : "status"}>
      {message ?? ""}
    </p>
  );
}
