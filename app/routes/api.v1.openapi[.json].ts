// GET /api/v1/openapi.json: the OpenAPI 3.1 description of the API, generated from its schemas.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { openApiDocument } from "~/lib/api/openapi";

export function loader({ request }: LoaderFunctionArgs) {
  return Response.json(openApiDocument(new URL(request.url).origin), {
    headers: { "Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*" },
  });
}
