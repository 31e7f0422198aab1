// GET /embed/v1/config?brand=<slug>&visitor=<visitorId>: what the cookie banner shows on a
// brand's site (texts, categories, policy version, re-prompt delays), whether the browser sent
// Global Privacy Control, the visitor's current choice (their customer's, once linked), and the
// brand's colours for the portal's modal (Mesure.portal.open()).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { errors, validationError } from "~/lib/api/errors";
import { embedRoute } from "~/lib/api/embed-route.server";
import { EmbedConfigQuery } from "~/lib/api/embed-schemas";
import { bannerConfig } from "~/privacy/cookie-consent.server";

export function loader({ request, context }: LoaderFunctionArgs) {
  return embedRoute(request, context, ["GET", "HEAD"], async (cors) => {
    const params = new URL(request.url).searchParams;
    const query = EmbedConfigQuery.safeParse({
      brand: params.get("brand") ?? undefined,
      visitor: params.get("visitor") || undefined,
    });
    if (!query.success) throw validationError(query.error);
    const { db, store, embedBrands } = context.services;
    // Brand changes other processes committed reach the cache through the change log.
    store.catchUp();
    const brand = await embedBrands.get(query.data.brand);
    if (!brand) throw errors.notFound("brand", `No brand "${query.data.brand}"`);
    cors.allow(brand);
    const body = await bannerConfig(db, {
      brand,
      visitorId: query.data.visitor,
      gpc: request.headers.get("sec-gpc")?.trim() === "1",
    });
    const theme = { primaryColor: brand.theme.primaryColor ?? null, accentColor: brand.theme.accentColor ?? null };
    // Carries the visitor's own choice: never stored by a shared cache.
    return Response.json({ ...body, theme }, { headers: { "Cache-Control": "no-store" } });
  });
}

export function action({ request, context }: ActionFunctionArgs) {
  return embedRoute(request, context, ["GET", "HEAD"], async () => new Response(null));
}
