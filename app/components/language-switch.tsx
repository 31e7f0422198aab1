// A plain link to the same page in the other language: works without JavaScript, and the
// server remembers the choice in a cookie (entry.server.tsx).
import { useLocation } from "@remix-run/react";
import { useLocale, useT } from "./use-t";

export function LanguageSwitch() {
  const locale = useLocale();
  const t = useT();
  const location = useLocation();
  const other = locale === "fr" ? "en" : "fr";
  const params = new URLSearchParams(location.search);
  params.set("lang", other);
  return (
    <nav aria-label={t("nav.language")}>
      <a href={`${location.pathname}?${params}`} hrefLang={other} lang={other} className="language-switch">
        {t("nav.switchTo")}
      </a>
    </nav>
  );
}
