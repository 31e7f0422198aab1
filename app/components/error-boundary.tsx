// The one error page: a clear sentence in the visitor's language and a way back, never a stack
// trace. Expected failures (400 with field messages) are returned as data by routes instead.
import { isRouteErrorResponse, useRouteError } from "@remix-run/react";
import { useT } from "./use-t";

export function AppErrorBoundary() {
  const error = useRouteError();
  const t = useT();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  return (
    <main id="main" className="page error-page">
      <h1>{t("error.title")}</h1>
      <p>{status === 404 ? t("error.notFound") : status === 403 ? t("error.forbidden") : t("error.generic")}</p>
      <p>
        <a href="/">{t("error.home")}</a>
      </p>
    </main>
  );
}
