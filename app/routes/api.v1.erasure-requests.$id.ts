// GET /api/v1/erasure-requests/{id}: an erasure request and each system's progress.
// DELETE cancels it while it is still in its grace period (409 once it has run).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { ApiError, errors } from "~/lib/api/errors";
import { erasureStatusJson } from "~/lib/api/erasure-schemas";
import { apiRoute, json } from "~/lib/api/route.server";
import { cancelErasure, getErasureStatus } from "~/privacy/erasure.server";
import type { Db } from "~/db/client.server";

/** This brand's request, or 404: another brand's is as unknown as one that never existed. */
async function find(db: Db, brandId: string, id: string | undefined) {
  const requestId = id ?? "";
  const status = requestId.length <= 100 ? await getErasureStatus(db, { brandId, requestId }) : null;
  if (!status) throw errors.notFound("id", `This brand has no erasure request "${requestId.slice(0, 100)}"`);
  return status;
}

export function loader({ request, params, context }: LoaderFunctionArgs) {
  return apiRoute(request, context, ["GET", "DELETE"], async ({ brandId }) =>
    json(erasureStatusJson(await find(context.services.db, brandId, params.id))),
  );
}

export function action({ request, params, context }: ActionFunctionArgs) {
  // Both methods named, so a POST's 405 lists what is allowed; a GET never reaches the action.
  return apiRoute(request, context, ["GET", "DELETE"], async ({ brandId }) => {
    const { db } = context.services;
    const before = await find(db, brandId, params.id);
    if (!(await cancelErasure(db, { brandId, requestId: before.id }))) {
      const message = `The request is ${before.status === "scheduled" ? "running" : before.status}: only a scheduled request (in its grace period) can be cancelled`;
      throw new ApiError(409, "not_cancellable", message, [{ path: "status", message }]);
    }
    return json(erasureStatusJson((await find(db, brandId, before.id))!));
  });
}
