// PUT /api/v1/customers/{externalId}: create the customer or update their contact points,
// name, language and time zone. GET returns them.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { errors } from "~/lib/api/errors";
import { apiRoute, json, jsonBody } from "~/lib/api/route.server";
import { CustomerPut } from "~/lib/api/schemas";
import { ExternalId, getCustomer, upsertCustomer } from "~/models/customer.server";

function externalIdFrom(params: Record<string, string | undefined>): string {
  const parsed = ExternalId.safeParse(params.externalId);
  if (!parsed.success) throw errors.notFound("externalId", `No customer "${params.externalId}"`);
  return parsed.data;
}

const view = (customer: {
  externalId: string;
  email: string | null;
  phone: string | null;
  name: string | null;
  locale: string;
  timezone: string;
}) => ({
  externalId: customer.externalId,
  email: customer.email,
  phone: customer.phone,
  name: customer.name,
  locale: customer.locale,
  timezone: customer.timezone,
});

export function loader({ request, params, context }: LoaderFunctionArgs) {
  return apiRoute(request, context, ["GET"], async ({ brandId }) => {
    const externalId = externalIdFrom(params);
    const customer = await getCustomer(context.services.db, { brandId, externalId });
    if (!customer) throw errors.notFound("externalId", `This brand has no customer "${externalId}"`);
    return json(view(customer));
  });
}

export function action({ request, params, context }: ActionFunctionArgs) {
  return apiRoute(request, context, ["PUT"], async ({ brandId }) => {
    const externalId = externalIdFrom(params);
    const body = await jsonBody(request, CustomerPut);
    const customer = await upsertCustomer(context.services.db, brandId, { externalId, ...body });
    return json(view(customer), customer.created ? 201 : 200);
  });
}
