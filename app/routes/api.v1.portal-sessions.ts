// POST /api/v1/portal-sessions: the brand's backend asks for a one-time link that opens its
// signed-in customer's portal inside its site, so the customer never signs in twice. 201 with
// {url, expiresAt}; 404 for a customer this brand does not have (another brand's included).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { errors } from "~/lib/api/errors";
import { PortalSessionRequest } from "~/lib/api/portal-session-schemas";
import { apiRoute, json, jsonBody } from "~/lib/api/route.server";
import { embedLink } from "~/lib/portal-embed.server";
import { getBrandSettings } from "~/models/brand.server";
import { findSessionCustomer } from "~/models/portal-session.server";

export function loader({ request, context }: LoaderFunctionArgs) {
  // Only POST: a GET is answered 405 in the API's error shape.
  return apiRoute(request, context, ["POST"], async () => json({}));
}

export function action({ request, context }: ActionFunctionArgs) {
  return apiRoute(request, context, ["POST"], async ({ brandId }) => {
    const body = await jsonBody(request, PortalSessionRequest);
    const { db, secret, publicUrl } = context.services;
    const customer = await findSessionCustomer(db, { brandId, externalId: body.externalId });
    if (!customer) throw errors.notFound("externalId", `This brand has no customer "${body.externalId}"`);
    if (body.origin) {
      const settings = await getBrandSettings(db, brandId);
      if (!settings?.embedOrigins.includes(body.origin)) {
        throw errors.unprocessable(
          "origin",
          `${body.origin} is not one of the brand's embed origins (mesure brand set --embed-origin)`,
        );
      }
    }
    const link = embedLink({
      secret,
      publicUrl,
      brandId,
      customerId: customer.id,
      ttlSeconds: body.ttlSeconds,
      origin: body.origin,
      page: body.page,
    });
    return json({ url: link.url, expiresAt: link.expiresAt.toISOString() }, 201);
  });
}
