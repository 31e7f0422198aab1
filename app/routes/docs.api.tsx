// /docs/api: the API reference for people, rendered from the same OpenAPI document machines
// read at /api/v1/openapi.json.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { openApiDocument } from "~/lib/api/openapi";

export const meta: MetaFunction = () => [{ title: "Mesure API reference" }];

type Operation = {
  summary?: string;
  description?: string;
  requestBody?: { content: Record<string, { schema?: { $ref?: string } }> };
  responses: Record<string, { description?: string }>;
};

export function loader({ request }: LoaderFunctionArgs) {
  const origin = new URL(request.url).origin;
  const document = openApiDocument(origin);
  const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods as Record<string, Operation>).map(([method, operation]) => {
      // JSON for most; a form for Twilio's webhook: the first media type's schema either way.
      const ref = Object.values(operation.requestBody?.content ?? {})[0]?.schema?.$ref;
      const name = ref?.split("/").at(-1);
      return {
        id: `${method}-${path}`.replace(/[^a-z0-9]+/gi, "-"),
        method: method.toUpperCase(),
        path,
        summary: operation.summary ?? "",
        description: operation.description ?? "",
        body: name ? JSON.stringify((document.components.schemas as Record<string, unknown>)[name], null, 2) : null,
        responses: Object.entries(operation.responses).map(([status, response]) => ({
          status,
          description: response.description ?? "",
        })),
      };
    }),
  );
  return { origin, operations, description: document.info.description };
}

export default function ApiReference() {
  const { origin, operations, description } = useLoaderData<typeof loader>();
  return (
    <main id="main" className="page api-reference">
      <h1>Mesure API</h1>
      <p className="lead">{description}</p>
      <p>
        Machine-readable: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI 3.1). Errors always have the
        shape <code>{'{"error": {"code", "message", "issues": [{"path", "message"}]}}'}</code>.
      </p>
      {/* Scrollable code samples take keyboard focus, so they can be scrolled without a mouse. */}
      <pre className="command" tabIndex={0} role="region" aria-label="Example request">
        <code>{`curl -X POST ${origin}/api/v1/decisions \\
  -H "Authorization: Bearer $MESURE_KEY" -H "Content-Type: application/json" \\
  -d '{"customer":"cust-camille","topic":"price-drop","channel":"email","attributes":{"designer":"Isabel Marant","category":"shoes","size":"38","price":250}}'`}</code>
      </pre>
      <nav aria-label="Endpoints">
        <ul>
          {operations.map((operation) => (
            <li key={operation.id}>
              <a href={`#${operation.id}`}>{`${operation.method} ${operation.path}`}</a>
            </li>
          ))}
        </ul>
      </nav>
      {operations.map((operation) => (
        <section key={operation.id} id={operation.id} aria-labelledby={`${operation.id}-title`} className="card">
          <h2 id={`${operation.id}-title`}>
            <code>{`${operation.method} ${operation.path}`}</code>
          </h2>
          <p>{operation.summary}</p>
          {operation.description ? <p>{operation.description}</p> : null}
          {operation.body ? (
            <details>
              <summary>Request body schema</summary>
              <pre
                className="command"
                tabIndex={0}
                role="region"
                aria-label={`${operation.method} ${operation.path} request body schema`}
              >
                <code>{operation.body}</code>
              </pre>
            </details>
          ) : null}
          <h3>Responses</h3>
          <ul>
            {operation.responses.map((response) => (
              <li key={response.status}>
                <strong>{response.status}</strong> {response.description}
              </li>
            ))}
          </ul>
        </section>
      ))}
    </main>
  );
}
