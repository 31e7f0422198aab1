// The shapes the banner exchanges with Mesure's embed endpoints (the contract H2's routes serve),
// kept here rather than imported so the browser bundle never pulls in the server's zod schemas.
export type Locale = "fr" | "en";

export type Bilingual = { fr: string; en: string };

export type CookieCategory = {
  key: string;
  /** Essential: always on, cannot be refused. */
  required: boolean;
  /** Covered by Global Privacy Control (advertising, data sale). */
  gpc: boolean;
  name: Bilingual;
  description: Bilingual;
  /** Cookie names to delete when refused; a trailing `*` matches a prefix. */
  cookies: string[];
  /** Google Consent Mode v2 keys this category grants. */
  consentMode: string[];
};

export type Method = "accept_all" | "reject_all" | "custom" | "dismiss";

export type ServerChoice = {
  categories: Record<string, boolean>;
  policyVersion: string;
  at: string;
  method: Method;
  gpc: boolean;
  source: string;
};

export type EmbedConfig = {
  brand: { slug: string; name: string };
  locales: string[];
  policyVersion: string;
  policyUrl: string | null;
  refusalMonths: number;
  consentMonths: number;
  texts: Record<Locale, { title: string; body: string }>;
  categories: CookieCategory[];
  /** The server saw `Sec-GPC: 1` on the config request. */
  gpc: boolean;
  choice: ServerChoice | null;
  /** The brand's colours (#rrggbb), for the portal's modal; absent from a 409's configuration. */
  theme?: { primaryColor: string | null; accentColor: string | null };
};

/** A choice as this browser keeps it (the `mesure_consent` cookie, decoded). */
export type StoredChoice = {
  /** Visitor id. */
  v: string;
  /** Policy version the choice was made under. */
  p: string;
  /** Category key → 1 accepted, 0 refused. */
  c: Record<string, 0 | 1>;
  /** When, in epoch milliseconds (the server's time once it has recorded the choice). */
  t: number;
  m: Method;
};

/** What `Mesure.consent.get()` answers and `onChange` listeners receive. */
export type ConsentState = {
  categories: Record<string, boolean>;
  policyVersion: string;
  at: string;
  method: Method;
};
