// POST /api/v1/visitors/{visitorId}/link: the brand's backend says which customer a browser
// belongs to (it reads the visitor id from the banner's first-party cookie `mesure_consent`
// once the person signs in). From then on the browser shows the customer's cookie choice, and
// the visitor's choice, if newer, becomes the customer's.
import type { ActionFunctionArgs } from "@remix-run/node";
import { errors, validationError } from "~/lib/api/errors";
import { VisitorLinkRequest } from "~/lib/api/embed-schemas";
import { apiRoute, json, jsonBody } from "~/lib/api/route.server";
import { linkVisitor, VisitorId } from "~/privacy/cookie-consent.server";

export function loader({ request, context }: ActionFunctionArgs) {
  return apiRoute(request, context, ["POST"], async () => json({}));
}

export function action({ request, context, params }: ActionFunctionArgs) {
  return apiRoute(request, context, ["POST"], async ({ brandId }) => {
    const visitor = VisitorId.safeParse(params.visitorId);
    if (!visitor.success) throw validationError(visitor.error, ["visitorId"]);
    const body = await jsonBody(request, VisitorLinkRequest);
    const linked = await linkVisitor(context.services.db, {
      brandId,
      visitorId: visitor.data,
      externalId: body.customer,
    });
    if (!linked) throw errors.notFound("customer", `This brand has no customer "${body.customer}"`);
    return json(
      { visitor: visitor.data, customer: body.customer, copied: linked.copied, choice: linked.choice },
      linked.created ? 201 : 200,
    );
  });
}
