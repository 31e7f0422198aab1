// The OpenAPI document's shape, checked against what OpenAPI 3.1 requires of it (no validator
// package: the rules the document can break are few and written here). Which routes it must
// describe is checked over HTTP, in test/integration/route-files.test.ts.
import { describe, expect, it } from "vitest";
import { openApiDocument } from "~/lib/api/openapi";

// The document as a client reads it: JSON, nothing that does not survive the trip.
const document = JSON.parse(JSON.stringify(openApiDocument("https://preferences.example.com"))) as {
  openapi: string;
  info: Record<string, unknown>;
  servers: { url: string }[];
  security?: Record<string, string[]>[];
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> };
};
type Parameter = { name: string; in: string; required?: boolean; schema?: unknown };
type Operation = {
  operationId?: string;
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema?: unknown }> };
  responses: Record<string, { description?: unknown; content?: Record<string, { schema?: unknown }> }>;
};

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const operations = Object.entries(document.paths).flatMap(([template, item]) =>
  Object.entries(item).map(([method, operation]) => ({ template, method, operation })),
);

/** Every `$ref` in the document, with where it stands. */
function refs(value: unknown, at: string): { at: string; ref: string }[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => refs(item, `${at}/${i}`));
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, child]) =>
    key === "$ref" ? [{ at, ref: String(child) }] : refs(child, `${at}/${key}`),
  );
}

describe("the OpenAPI document", () => {
  it("is OpenAPI 3.1 with its info, servers and components", () => {
    expect(document.openapi).toMatch(/^3\.1\.\d+$/);
    expect(document.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(document.servers).toEqual([{ url: "https://preferences.example.com" }]);
    for (const name of Object.keys(document.components.schemas)) expect(name).toMatch(/^[a-zA-Z0-9._-]+$/);
  });

  it("has operations OpenAPI allows: known methods, unique ids, described responses with media types", () => {
    const ids = operations.map(({ operation }) => operation.operationId);
    expect(ids.every((id) => typeof id === "string")).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { template, method, operation } of operations) {
      const where = `${method.toUpperCase()} ${template}`;
      expect(template, where).toMatch(/^\//);
      expect(METHODS, where).toContain(method);
      expect(Object.keys(operation.responses).length, where).toBeGreaterThan(0);
      for (const [status, response] of Object.entries(operation.responses)) {
        expect(status, where).toMatch(/^([1-5]\d\d|[1-5]XX|default)$/);
        expect(typeof response.description, `${where} ${status}`).toBe("string");
        for (const type of Object.keys(response.content ?? {}))
          expect(type, `${where} ${status}`).toMatch(/^[\w.+-]+\/[\w.+-]+$/);
      }
      if (operation.requestBody) {
        expect(Object.keys(operation.requestBody.content).length, where).toBeGreaterThan(0);
        for (const [type, media] of Object.entries(operation.requestBody.content)) {
          expect(type, where).toMatch(/^[\w.+-]+\/[\w.+-]+$/);
          expect(media.schema, `${where} ${type}`).toBeDefined();
        }
      }
    }
  });

  it("declares each path parameter of a template, required, and only those", () => {
    for (const { template, method, operation } of operations) {
      const where = `${method.toUpperCase()} ${template}`;
      const parameters = operation.parameters ?? [];
      for (const parameter of parameters) {
        expect(["query", "header", "path", "cookie"], where).toContain(parameter.in);
        expect(parameter.schema, `${where} ${parameter.name}`).toBeDefined();
      }
      const inTemplate = [...template.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]).sort();
      const declared = parameters.filter((parameter) => parameter.in === "path");
      expect(declared.map((parameter) => parameter.name).sort(), where).toEqual(inTemplate);
      for (const parameter of declared) expect(parameter.required, `${where} ${parameter.name}`).toBe(true);
    }
  });

  it("names only security schemes it defines, and every $ref resolves inside it", () => {
    const schemes = Object.keys(document.components.securitySchemes);
    for (const requirement of [
      ...(document.security ?? []),
      ...operations.flatMap(({ operation }) => operation.security ?? []),
    ])
      for (const name of Object.keys(requirement)) expect(schemes).toContain(name);
    const all = refs(document, "#");
    expect(all.length).toBeGreaterThan(0);
    for (const { at, ref } of all) {
      expect(ref, at).toMatch(/^#\/components\/schemas\/[^/]+$/);
      expect(document.components.schemas[ref.split("/").pop()!], `${at}: ${ref}`).toBeDefined();
    }
  });

  it("describes the inbound SMS webhook as Twilio calls it, and what a message batch answers", () => {
    const inbound = document.paths["/api/v1/sms/{brand}/inbound"]!.post!;
    expect(inbound.security).toEqual([]);
    expect(inbound.parameters).toContainEqual(
      expect.objectContaining({ name: "X-Twilio-Signature", in: "header", required: true }),
    );
    expect(Object.keys(inbound.requestBody!.content)).toEqual(["application/x-www-form-urlencoded"]);
    expect(document.components.schemas.InboundSms).toMatchObject({
      type: "object",
      required: expect.arrayContaining(["From", "To", "MessageSid", "AccountSid"]),
    });
    expect(Object.keys(inbound.responses["200"]!.content!)).toEqual(["text/xml"]);
    for (const status of ["400", "403", "404", "413", "429"]) expect(inbound.responses[status], status).toBeDefined();

    const batch = document.paths["/api/v1/messages/batch"]!.post!.responses["200"]!;
    expect(batch.content!["application/json"]!.schema).toEqual({ $ref: "#/components/schemas/MessageBatchResponse" });
    expect(document.components.schemas.MessageBatchResponse).toMatchObject({
      properties: { results: { type: "array", items: { anyOf: expect.any(Array) } } },
    });
  });
});
