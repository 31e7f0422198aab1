// GET /api/v1/messages/{id}: a message's status and its history (queued, deferred until,
// folded into a digest, sent at and on which channel, denied and why, failed and why).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { errors } from "~/lib/api/errors";
import { apiRoute, json } from "~/lib/api/route.server";
import { getMessage } from "~/models/message.server";

export function loader({ request, params, context }: LoaderFunctionArgs) {
  return apiRoute(request, context, ["GET"], async ({ brandId }) => {
    const id = params.id ?? "";
    // Another brand's message is as unknown as a message that never existed.
    const message = id.length <= 100 ? await getMessage(context.services.db, { brandId, id }) : null;
    if (!message) throw errors.notFound("id", `This brand has no message "${id.slice(0, 100)}"`);
    return json(message);
  });
}
