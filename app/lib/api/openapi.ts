// The OpenAPI 3.1 document, generated from the zod schemas that validate the requests, so the
// document cannot describe an API other than the one that runs.
import { z } from "zod";
import {
  BatchRequest,
  BatchResponse,
  CustomerPut,
  DecisionRequest,
  DecisionResponse,
  ErrorResponse,
  PreferencesPatch,
} from "./schemas";
import {
  CookieChoiceView,
  EmbedChoiceRequest,
  EmbedConfigView,
  VisitorLinkRequest,
  VisitorLinkView,
} from "./embed-schemas";
import { ErasureStatusView } from "./erasure-schemas";
import { EmbedThemeView, PortalSessionRequest, PortalSessionView } from "./portal-session-schemas";
import {
  MessageAccepted,
  MessageBatchRequest,
  MessageRequest,
  MessageView,
  SuppressionRequest,
} from "./message-schemas";
import { InboundSms } from "./sms-schemas";

const schema = (type: z.ZodType, io: "input" | "output") =>
  z.toJSONSchema(type, { io, unrepresentable: "any", target: "draft-2020-12" });

const errorResponses = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((code) => [
      String(code),
      {
        description: {
          400: "Malformed request: the issues name each field and the problem",
          401: "No API key, or an unknown or revoked one",
          404: "Unknown customer, topic or message",
          405: "Wrong method",
          409: "Idempotency-Key reused with a different request",
          413: "Body too large",
          415: "Body is not JSON",
          422: "Well-formed but not acceptable (e.g. critical priority on a marketing topic)",
          429: "Rate limited; see Retry-After",
          503: "The database is not answering; retry",
        }[code],
        content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
      },
    ]),
  );

const embedForbidden = {
  description: "The Origin is not one of the brand's sites (no Access-Control-Allow-Origin either)",
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
};

const idempotencyHeader = {
  name: "Idempotency-Key",
  in: "header",
  required: false,
  description:
    "Makes a retried commit harmless: the same key with the same body replays the first answer; with another body, 409.",
  schema: { type: "string", maxLength: 255 },
};
const externalId = {
  name: "externalId",
  in: "path",
  required: true,
  description: "The brand's own id for the customer",
  schema: { type: "string" },
};

export function openApiDocument(serverUrl: string) {
  return {
    openapi: "3.1.0",
    info: {
      title: "Mesure API",
      version: "1",
      description:
        "Ask before every message whether it may go now, and keep customers' preferences in step with your systems. Authenticate with `Authorization: Bearer <API key>`; the key decides the brand.",
    },
    servers: [{ url: serverUrl }],
    security: [{ apiKey: [] }],
    paths: {
      "/api/v1/decisions": {
        post: {
          operationId: "decide",
          summary: "May I send this message to this person now?",
          description:
            "Answers send, defer (with notBefore), digest (with digestAt) or deny, with every reason that applies (the decisive one first) and an explanation in the customer's language. With commit: true a send is recorded atomically: concurrent committed decisions never exceed a cap.",
          parameters: [idempotencyHeader],
          requestBody: {
            required: true,
            content: { "application/json": { schema: { $ref: "#/components/schemas/DecisionRequest" } } },
          },
          responses: {
            200: {
              description: "The decision",
              content: { "application/json": { schema: { $ref: "#/components/schemas/Decision" } } },
            },
            ...errorResponses(400, 401, 404, 409, 413, 415, 422, 429, 503),
          },
        },
      },
      "/api/v1/decisions/batch": {
        post: {
          operationId: "decideBatch",
          summary: "Up to 1000 decisions in one call, answered in order",
          description:
            "Each item is checked on its own: an invalid item is answered in its place with its status and error, the others are decided. Commits in a batch happen in one transaction.",
          parameters: [idempotencyHeader],
          requestBody: {
            required: true,
            content: { "application/json": { schema: { $ref: "#/components/schemas/BatchRequest" } } },
          },
          responses: {
            200: {
              description: "One result per item, in order",
              content: { "application/json": { schema: { $ref: "#/components/schemas/BatchResponse" } } },
            },
            ...errorResponses(400, 401, 409, 413, 415, 429, 503),
          },
        },
      },
      "/api/v1/customers/{externalId}": {
        put: {
          operationId: "putCustomer",
          summary: "Create a customer, or update their contact points, language and time zone",
          parameters: [externalId],
          requestBody: {
            required: true,
            content: { "application/json": { schema: { $ref: "#/components/schemas/CustomerPut" } } },
          },
          responses: {
            200: {
              description: "Updated",
              content: { "application/json": { schema: { $ref: "#/components/schemas/Customer" } } },
            },
            201: {
              description: "Created",
              content: { "application/json": { schema: { $ref: "#/components/schemas/Customer" } } },
            },
            ...errorResponses(400, 401, 415, 429),
          },
        },
        get: {
          operationId: "getCustomer",
          summary: "A customer's contact points, language and time zone",
          parameters: [externalId],
          responses: {
            200: {
              description: "The customer",
              content: { "application/json": { schema: { $ref: "#/components/schemas/Customer" } } },
            },
            ...errorResponses(401, 404, 429),
          },
        },
      },
      "/api/v1/customers/{externalId}/preferences": {
        get: {
          operationId: "getPreferences",
          summary: "Everything the customer chose",
          parameters: [externalId],
          responses: { 200: { description: "The preferences" }, ...errorResponses(401, 404, 429) },
        },
        patch: {
          operationId: "patchPreferences",
          summary:
            "Change some preferences; all or nothing, each change recorded in the consent ledger with its source",
          parameters: [externalId],
          requestBody: {
            required: true,
            content: { "application/json": { schema: { $ref: "#/components/schemas/PreferencesPatch" } } },
          },
          responses: {
            200: { description: "The preferences after the change" },
            ...errorResponses(400, 401, 404, 415, 422, 429),
          },
        },
      },
      "/api/v1/messages": {
        post: {
          operationId: "sendMessage",
          summary: "Hand a message to Mesure's scheduler",
          description:
            "Decided at once, channel by channel in the order given (the first channel not denied carries it), and answered 202 with the status that decision gives: queued (goes now), deferred (until dueAt), digested (in the customer's next digest) or denied. The worker decides again when it sends, so a consent withdrawn meanwhile stops it. Content is a template from emails/ with its data, or a text per channel.",
          parameters: [idempotencyHeader],
          requestBody: {
            required: true,
            content: { "application/json": { schema: { $ref: "#/components/schemas/MessageRequest" } } },
          },
          responses: {
            202: {
              description: "Accepted: the message's id, status and the decision at intake",
              content: { "application/json": { schema: { $ref: "#/components/schemas/MessageAccepted" } } },
            },
            ...errorResponses(400, 401, 404, 409, 413, 415, 422, 429, 503),
          },
        },
      },
      "/api/v1/messages/batch": {
        post: {
          operationId: "sendMessages",
          summary: "Up to 1000 messages in one call, answered in order",
          description:
            "An invalid item is answered in its place with its HTTP status and error; the others are accepted.",
          parameters: [idempotencyHeader],
          requestBody: {
            required: true,
            content: { "application/json": { schema: { $ref: "#/components/schemas/MessageBatchRequest" } } },
          },
          responses: {
            200: {
              description:
                "One result per item, in order: the item accepted (as POST /api/v1/messages answers 202), or its HTTP status and error",
              content: { "application/json": { schema: { $ref: "#/components/schemas/MessageBatchResponse" } } },
            },
            ...errorResponses(400, 401, 409, 413, 415, 429, 503),
          },
        },
      },
      "/api/v1/messages/{id}": {
        get: {
          operationId: "getMessage",
          summary: "A message's status and history",
          description:
            "Queued, deferred until when, folded into a digest, sent at and on which channel, denied and why, failed and why: every step with its reasons.",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
          responses: {
            200: {
              description: "The message",
              content: { "application/json": { schema: { $ref: "#/components/schemas/Message" } } },
            },
            ...errorResponses(401, 404, 429, 503),
          },
        },
      },
      "/api/v1/suppressions": {
        post: {
          operationId: "suppress",
          summary: "Never contact this address or number again",
          description:
            "For bounces and complaints your providers report (feedback loops). Mesure keeps only a salted hash; every customer holding the address is suppressed at once.",
          requestBody: {
            required: true,
            content: { "application/json": { schema: { $ref: "#/components/schemas/SuppressionRequest" } } },
          },
          responses: {
            201: { description: "Added" },
            200: { description: "It was on the list already" },
            ...errorResponses(400, 401, 413, 415, 429, 503),
          },
        },
      },
      "/api/v1/visitors/{visitorId}/link": {
        post: {
          operationId: "linkVisitor",
          summary: "This browser belongs to this customer: their cookie choice follows them",
          description:
            "Read the visitor id from the banner's first-party cookie `mesure_consent` (field v) once the person signs in. From then on the browser shows the customer's cookie choice, and a choice made on it is the customer's everywhere. If the visitor's latest choice is newer than the customer's, it becomes theirs (source visitor_link). A browser linked to someone else moves to this customer. 201 for a new link, 200 when it was there already.",
          parameters: [
            {
              name: "visitorId",
              in: "path",
              required: true,
              description: "The banner's visitor id",
              schema: { type: "string", pattern: "^[A-Za-z0-9_-]{16,64}$" },
            },
          ],
          requestBody: {
            required: true,
            content: { "application/json": { schema: { $ref: "#/components/schemas/VisitorLinkRequest" } } },
          },
          responses: {
            200: {
              description: "Already linked",
              content: { "application/json": { schema: { $ref: "#/components/schemas/VisitorLink" } } },
            },
            201: {
              description: "Linked",
              content: { "application/json": { schema: { $ref: "#/components/schemas/VisitorLink" } } },
            },
            ...errorResponses(400, 401, 404, 415, 429, 503),
          },
        },
      },
      "/embed/v1/config": {
        get: {
          operationId: "bannerConfig",
          summary: "The cookie banner's configuration and the visitor's current choice (public, for embed/v1.js)",
          description:
            "CORS: answered to the brand's embed origins and Mesure's own; another Origin gets 403. A request with Sec-GPC: 1 is answered gpc: true.",
          security: [],
          parameters: [
            { name: "brand", in: "query", required: true, schema: { type: "string" } },
            {
              name: "visitor",
              in: "query",
              required: false,
              schema: { type: "string", pattern: "^[A-Za-z0-9_-]{16,64}$" },
            },
          ],
          responses: {
            200: {
              description: "The configuration",
              content: { "application/json": { schema: { $ref: "#/components/schemas/BannerConfig" } } },
            },
            403: embedForbidden,
            ...errorResponses(400, 404, 429, 503),
          },
        },
      },
      "/embed/v1/choices": {
        post: {
          operationId: "recordCookieChoice",
          summary: "Record a visitor's cookie choice (public, for embed/v1.js)",
          description:
            "Sent as text/plain so that browsers make no preflight (application/json works too, after one). Required categories are always on; accept_all under Global Privacy Control (gpc, or Sec-GPC: 1) leaves the GPC categories off. Each choice is one event of the brand's consent ledger, with the policy version and the hash of the text shown.",
          security: [],
          requestBody: {
            required: true,
            content: {
              "text/plain": { schema: { $ref: "#/components/schemas/CookieChoiceRequest" } },
              "application/json": { schema: { $ref: "#/components/schemas/CookieChoiceRequest" } },
            },
          },
          responses: {
            201: {
              description: "Recorded: the choice as stored",
              content: {
                "application/json": {
                  schema: { type: "object", properties: { choice: { $ref: "#/components/schemas/CookieChoice" } } },
                },
              },
            },
            403: embedForbidden,
            409: {
              description:
                "The banner showed another policy version than the current one: nothing recorded; the body carries the current configuration (config) to show",
            },
            ...errorResponses(400, 404, 413, 415, 429, 503),
          },
        },
      },
      "/api/v1/customers/{externalId}/erasure": {
        post: {
          operationId: "requestErasure",
          summary: "Erase this customer (GDPR art. 17), here and in every connected system",
          description:
            "After the brand's grace period (cancellable until then with DELETE /api/v1/erasure-requests/{id}), Mesure erases the customer's personal data, keeps only a salted hash of their email and phone so they stay suppressed, and tells each connector (signed Standard Webhooks calls, retried until acknowledged). 202 with the new request; 200 with the open one if there is already one. The body may be absent or {}.",
          parameters: [externalId],
          responses: {
            200: {
              description: "A request was already open: that one",
              content: { "application/json": { schema: { $ref: "#/components/schemas/ErasureStatus" } } },
            },
            202: {
              description: "Accepted: the request and each system's progress",
              content: { "application/json": { schema: { $ref: "#/components/schemas/ErasureStatus" } } },
            },
            409: {
              description: "The customer has been erased already",
              content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
            },
            ...errorResponses(400, 401, 404, 415, 429, 503),
          },
        },
      },
      "/api/v1/erasure-requests/{id}": {
        get: {
          operationId: "getErasureRequest",
          summary: "An erasure request and each system's progress",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
          responses: {
            200: {
              description: "The request",
              content: { "application/json": { schema: { $ref: "#/components/schemas/ErasureStatus" } } },
            },
            ...errorResponses(401, 404, 429, 503),
          },
        },
        delete: {
          operationId: "cancelErasureRequest",
          summary: "Cancel an erasure request during its grace period",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
          responses: {
            200: {
              description: "Cancelled: the request as it now stands",
              content: { "application/json": { schema: { $ref: "#/components/schemas/ErasureStatus" } } },
            },
            409: {
              description: "Not scheduled any more (erased already, completed or cancelled)",
              content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
            },
            ...errorResponses(401, 404, 429, 503),
          },
        },
      },
      "/api/v1/portal-sessions": {
        post: {
          operationId: "createPortalSession",
          summary: "A one-time link that opens a customer's portal inside your site",
          description:
            "Call it from your backend for the customer signed in on your site, and give the url to embed/v1.js (Mesure.portal.open(url), or <div data-mesure-portal data-url=…>): the portal opens in a frame, already signed in. The link works once and must be opened before expiresAt; the portal may be framed only by your embed origins (and by `origin` alone when you name it), with its cookies partitioned by your site. 404 for a customer this brand does not have.",
          requestBody: {
            required: true,
            content: { "application/json": { schema: { $ref: "#/components/schemas/PortalSessionRequest" } } },
          },
          responses: {
            201: {
              description: "The link",
              content: { "application/json": { schema: { $ref: "#/components/schemas/PortalSession" } } },
            },
            422: {
              description: "origin is not one of the brand's embed origins",
              content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
            },
            ...errorResponses(400, 401, 404, 415, 429, 503),
          },
        },
      },
      "/api/v1/sms/{brand}/inbound": {
        post: {
          operationId: "inboundSms",
          summary: "Twilio's webhook for each SMS a customer sends to the brand's number",
          description:
            "Point the number's inbound webhook (A message comes in, HTTP POST) at PUBLIC_URL/api/v1/sms/{brand}/inbound. Twilio signs each call: X-Twilio-Signature must be the HMAC-SHA1, keyed by TWILIO_AUTH_TOKEN, of PUBLIC_URL with this path and query followed by every form field, or nothing changes (403). A STOP (STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE, OPTOUT, ARRET, STOP SMS, any case, or Twilio's OptOutType STOP) unsubscribes every customer of the brand with that number from each marketing and alert SMS topic, each change a consent event (sms_keyword), and is confirmed even for an unknown number; HELP, INFO or AIDE answers the brand's help text (or Mesure's, naming the brand); START answers a link to the portal and subscribes to nothing. Anything else gets an empty TwiML answer. No API key.",
          security: [],
          parameters: [
            {
              name: "brand",
              in: "path",
              required: true,
              description: "The brand's slug",
              schema: { type: "string" },
            },
            {
              name: "X-Twilio-Signature",
              in: "header",
              required: true,
              description: "Twilio's signature of the call",
              schema: { type: "string" },
            },
          ],
          requestBody: {
            required: true,
            description: "Twilio's form, at most 64 KB; fields not listed here are kept for the signature and ignored",
            content: { "application/x-www-form-urlencoded": { schema: { $ref: "#/components/schemas/InboundSms" } } },
          },
          responses: {
            200: {
              description:
                "TwiML: the reply SMS to send back, in the sender's language (the customer's, else the brand's first), or <Response/> for none",
              content: {
                "text/xml": {
                  schema: { type: "string" },
                  example:
                    '<?xml version="1.0" encoding="UTF-8"?><Response><Message>You will no longer get marketing SMS from La Boutique. To choose what you receive again:\nhttps://preferences.example.com/portal/sign-in?brand=la-boutique</Message></Response>',
                },
              },
            },
            400: {
              description: "Not a Twilio SMS: a required field is missing or malformed",
              content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
            },
            403: {
              description: "X-Twilio-Signature is missing or does not match this call",
              content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
            },
            404: {
              description: "SMS is not configured on this server (TWILIO_*), or there is no such brand",
              content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
            },
            ...errorResponses(405, 413, 429, 503),
          },
        },
      },
      "/api/v1/ping": {
        get: {
          operationId: "ping",
          summary: "Liveness of the API",
          security: [],
          responses: { 200: { description: "OK" } },
        },
      },
      "/api/v1/openapi.json": {
        get: {
          operationId: "openApiDocument",
          summary: "This document (OpenAPI 3.1), readable at /docs/api",
          security: [],
          responses: {
            200: { description: "The document", content: { "application/json": { schema: { type: "object" } } } },
          },
        },
      },
    },
    components: {
      securitySchemes: {
        apiKey: { type: "http", scheme: "bearer", description: "An API key from `mesure api-key create`" },
      },
      schemas: {
        DecisionRequest: schema(DecisionRequest, "input"),
        Decision: schema(DecisionResponse, "output"),
        BatchRequest: {
          ...schema(BatchRequest, "input"),
          properties: {
            items: {
              type: "array",
              minItems: 1,
              maxItems: 1000,
              items: { $ref: "#/components/schemas/DecisionRequest" },
            },
          },
        },
        BatchResponse: schema(BatchResponse, "output"),
        CustomerPut: schema(CustomerPut, "input"),
        Customer: {
          type: "object",
          properties: {
            externalId: { type: "string" },
            email: { type: ["string", "null"] },
            phone: { type: ["string", "null"] },
            name: { type: ["string", "null"] },
            locale: { type: "string" },
            timezone: { type: "string" },
          },
        },
        PreferencesPatch: schema(PreferencesPatch, "input"),
        MessageRequest: schema(MessageRequest, "input"),
        MessageBatchRequest: {
          ...schema(MessageBatchRequest, "input"),
          properties: {
            items: {
              type: "array",
              minItems: 1,
              maxItems: 1000,
              items: { $ref: "#/components/schemas/MessageRequest" },
            },
          },
        },
        MessageAccepted: schema(MessageAccepted, "output"),
        // What intakeItem (app/scheduler/intake.server.ts) makes of each item.
        MessageBatchResponse: {
          type: "object",
          required: ["results"],
          properties: {
            results: {
              type: "array",
              items: {
                anyOf: [{ $ref: "#/components/schemas/MessageAccepted" }, { $ref: "#/components/schemas/ItemError" }],
              },
            },
          },
        },
        ItemError: schema(
          ErrorResponse.extend({ status: z.number().int().describe("The item's HTTP status") }),
          "output",
        ),
        Message: schema(MessageView, "output"),
        SuppressionRequest: schema(SuppressionRequest, "input"),
        InboundSms: schema(InboundSms, "input"),
        VisitorLinkRequest: schema(VisitorLinkRequest, "input"),
        VisitorLink: schema(VisitorLinkView, "output"),
        BannerConfig: schema(
          EmbedConfigView.extend({ theme: EmbedThemeView.describe("The brand's colours, for the portal's modal") }),
          "output",
        ),
        CookieChoiceRequest: schema(EmbedChoiceRequest, "input"),
        CookieChoice: schema(CookieChoiceView, "output"),
        ErasureStatus: schema(ErasureStatusView, "output"),
        PortalSessionRequest: schema(PortalSessionRequest, "input"),
        PortalSession: schema(PortalSessionView, "output"),
        Error: schema(ErrorResponse, "output"),
      },
    },
  };
}
