// The body and answer of POST /api/v1/portal-sessions (a one-time link that opens a customer's
// portal inside the brand's site), and the theme the embed script dresses the portal's modal in.
import { z } from "zod";
import { EMBED_TTL_DEFAULT_SECONDS, EMBED_TTL_MAX_SECONDS, PORTAL_PAGE } from "~/lib/portal-embed.server";
import { ExternalId } from "~/models/customer.server";
import { Origin } from "../vocabulary";

export const PortalSessionRequest = z.strictObject({
  externalId: ExternalId.describe("The brand's own id for the customer signed in on its site"),
  origin: Origin.optional().describe(
    "The site that will frame the portal, one of the brand's embed origins; the link then works only there",
  ),
  page: z
    .string()
    .regex(PORTAL_PAGE, "must be a portal page such as /portal or /portal/alerts")
    .optional()
    .describe("The portal page to open (default /portal)"),
  ttlSeconds: z
    .number({ error: "must be a number of seconds" })
    .int("must be a whole number of seconds")
    .min(30, "must be at least 30")
    .max(EMBED_TTL_MAX_SECONDS, `must be at most ${EMBED_TTL_MAX_SECONDS}`)
    .default(EMBED_TTL_DEFAULT_SECONDS)
    .describe("How long the link may wait before it is opened; it works once"),
});
export type PortalSessionRequest = z.infer<typeof PortalSessionRequest>;

export const PortalSessionView = z.object({
  url: z
    .string()
    .describe("Give it to embed/v1.js: Mesure.portal.open(url) or <div data-mesure-portal data-url=…>; it works once"),
  expiresAt: z.string().describe("ISO 8601: the link must be opened before then"),
});

export const EmbedThemeView = z.object({
  primaryColor: z.string().nullable().describe("The brand's colour (#rrggbb), for the portal's modal"),
  accentColor: z.string().nullable(),
});
