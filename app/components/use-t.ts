// The translation function for the page's locale, taken from the root loader's data.
import { useRouteLoaderData } from "@remix-run/react";
import { translate, type MessageKey } from "~/lib/i18n";
import type { Locale } from "~/lib/vocabulary";

export function useLocale(): Locale {
  const data = useRouteLoaderData<{ locale: Locale }>("root");
  return data?.locale ?? "fr";
}

export function useT() {
  const locale = useLocale();
  return (key: MessageKey, params?: Record<string, string>) => translate(locale, key, params);
}
