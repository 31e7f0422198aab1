// The cookie banner's request and response bodies (/embed/v1/*, and the visitor link of the
// API), as zod schemas: they validate the requests and generate the OpenAPI document.
import { z } from "zod";
import { ExternalId } from "~/models/customer.server";
import { CategoryKey, ChoiceMethod, CookieCategory, VisitorId } from "~/privacy/cookie-config";
import { Locale, Slug } from "../vocabulary";

// Other parameters (a cache-buster, say) are ignored rather than refused.
export const EmbedConfigQuery = z.object({
  brand: Slug.describe("The brand's slug"),
  visitor: VisitorId.optional().describe("The browser's visitor id, to answer its current choice"),
});

export const EmbedChoiceRequest = z.strictObject({
  brand: Slug.describe("The brand's slug"),
  visitor: VisitorId.describe("The browser's visitor id"),
  policyVersion: z
    .string()
    .max(40, "must be at most 40 characters")
    .describe("The policy version the banner showed; another than the current one gets 409"),
  locale: Locale.describe("The language the banner was shown in"),
  method: ChoiceMethod,
  categories: z
    .record(CategoryKey, z.boolean())
    .default({})
    .describe("For custom: each category's answer (a missing one is refused; required ones are always on)"),
  gpc: z.boolean().default(false).describe("navigator.globalPrivacyControl was on"),
});
export type EmbedChoiceRequest = z.infer<typeof EmbedChoiceRequest>;

export const CookieChoiceView = z.object({
  categories: z.record(z.string(), z.boolean()),
  policyVersion: z.string(),
  at: z.string().describe("ISO 8601"),
  method: ChoiceMethod,
  gpc: z.boolean(),
  source: z.string().describe("banner, portal or visitor_link"),
});

const BannerText = z.object({ title: z.string(), body: z.string() });
export const EmbedConfigView = z.object({
  brand: z.object({ slug: z.string(), name: z.string() }),
  locales: z.array(Locale),
  policyVersion: z.string(),
  policyUrl: z.string().nullable(),
  refusalMonths: z.number().int(),
  consentMonths: z.number().int(),
  texts: z.object({ fr: BannerText, en: BannerText }),
  categories: z.array(CookieCategory),
  gpc: z.boolean().describe("The request carried Sec-GPC: 1"),
  choice: CookieChoiceView.nullable().describe("The visitor's current choice (their customer's, once linked)"),
});

export const VisitorLinkRequest = z.strictObject({
  customer: ExternalId.describe("The brand's own id for the customer signed in on this browser"),
});
export const VisitorLinkView = z.object({
  visitor: z.string(),
  customer: z.string(),
  copied: z.boolean().describe("The visitor's choice was newer than the customer's and became theirs"),
  choice: CookieChoiceView.nullable().describe("The customer's current choice, which the browser now shows"),
});
