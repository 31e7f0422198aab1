// POST /api/v1/suppressions: an address or number that must never be contacted again, as a
// brand's mail or SMS provider reported it (a complaint through a feedback loop, a bounce seen
// elsewhere). Mesure finds its own hard bounces; this is for what only the brand hears about.
import type { ActionFunctionArgs } from "@remix-run/node";
import { SuppressionRequest } from "~/lib/api/message-schemas";
import { apiRoute, json, jsonBody } from "~/lib/api/route.server";
import { suppress } from "~/models/suppression.server";

export function loader({ request, context }: ActionFunctionArgs) {
  return apiRoute(request, context, ["POST"], async () => json({}));
}

export function action({ request, context }: ActionFunctionArgs) {
  return apiRoute(request, context, ["POST"], async ({ brandId }) => {
    const body = await jsonBody(request, SuppressionRequest);
    const address = body.email
      ? { kind: "email" as const, value: body.email }
      : { kind: "phone" as const, value: body.phone! };
    const added = await suppress(context.services.db, brandId, address, body.reason);
    // The address itself is not echoed back: only its salted hash is kept.
    return json({ suppressed: true, kind: address.kind, reason: body.reason, new: added }, added ? 201 : 200);
  });
}
