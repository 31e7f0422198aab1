// POST /api/v1/customers/{externalId}/erasure: asks for the customer's erasure (GDPR art. 17).
// 202 with the request's status; 200 with the open request when one is already under way.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { ApiError, errors, validationError } from "~/lib/api/errors";
import { erasureStatusJson } from "~/lib/api/erasure-schemas";
import { apiRoute, json, jsonBodyText } from "~/lib/api/route.server";
import { ExternalId, getCustomer } from "~/models/customer.server";
import { ErasureRefusedError, requestErasure } from "~/privacy/erasure.server";

/** Nothing to say yet: the body may be absent or `{}`, and anything else is refused. */
const ErasureRequestBody = z.object({}).strict();

export function loader({ request, context }: LoaderFunctionArgs) {
  // Only POST: a GET is answered 405 in the API's error shape.
  return apiRoute(request, context, ["POST"], async () => json({}));
}

export function action({ request, params, context }: ActionFunctionArgs) {
  return apiRoute(request, context, ["POST"], async ({ brandId }) => {
    const parsedId = ExternalId.safeParse(params.externalId);
    if (!parsedId.success) throw errors.notFound("externalId", `No customer "${params.externalId}"`);
    if (request.headers.get("content-length") !== "0" && request.body) {
      const { text, value } = await jsonBodyText(request);
      if (text.trim()) {
        const parsed = ErasureRequestBody.safeParse(value);
        if (!parsed.success) throw validationError(parsed.error);
      }
    }
    const { db } = context.services;
    const customer = await getCustomer(db, { brandId, externalId: parsedId.data });
    if (!customer) throw errors.notFound("externalId", `This brand has no customer "${parsedId.data}"`);
    try {
      const { status, created } = await requestErasure(db, { brandId, customerId: customer.id, via: "api" });
      return json(erasureStatusJson(status), created ? 202 : 200);
    } catch (error) {
      if (error instanceof ErasureRefusedError && error.code === "already_erased") {
        throw new ApiError(409, "already_erased", error.message, [{ path: "externalId", message: error.message }]);
      }
      if (error instanceof ErasureRefusedError) throw errors.notFound("externalId", error.message);
      throw error;
    }
  });
}
