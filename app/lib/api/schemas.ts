// The API's request and response bodies, as zod schemas: the same objects validate requests,
// type the handlers and generate the OpenAPI document (app/lib/api/openapi.ts).
import { z } from "zod";
import { ExternalId } from "~/models/customer.server";
import { reasonCodes } from "~/policy/reasons";
import { Channel, Frequency, Locale, LocalTime, Priority, SubscriptionStatus, TimeZone, TopicKey } from "../vocabulary";

const Instant = z.iso.datetime({
  offset: true,
  error: "must be an ISO 8601 date-time with a time zone, e.g. 2026-03-01T09:00:00Z",
});

const AttributeValue = z.union([
  z.string().max(500),
  z.number().refine(Number.isFinite, "must be a finite number"),
  z.boolean(),
  z.array(z.string().max(200)).max(100),
]);

export const DecisionRequest = z
  .object({
    customer: ExternalId.describe("The brand's own id for the customer"),
    topic: TopicKey.describe("The topic's key, e.g. price-drop"),
    channel: Channel,
    priority: Priority.default("normal").describe("critical is for transactional topics only"),
    tags: z.array(z.string().trim().min(1).max(60)).max(50).default([]).describe("Subjects the message touches"),
    attributes: z
      .record(z.string().min(1).max(60), AttributeValue)
      .refine((record) => Object.keys(record).length <= 50, "may hold at most 50 attributes")
      .default({})
      .describe("Matched against the customer's alert filters"),
    campaign: z.string().trim().min(1).max(200).optional().describe("Sent at most once per customer, across channels"),
    expiresAt: Instant.optional().describe("After this, the message is worthless"),
    at: Instant.optional().describe("Decide as of this instant instead of now (not with commit)"),
    commit: z.boolean().default(false).describe("Record the send when the verdict is send, atomically with the caps"),
  })
  .strict();
export type DecisionRequest = z.infer<typeof DecisionRequest>;

export const BatchRequest = z
  .object({ items: z.array(z.unknown()).min(1, "needs at least one item").max(1000, "may hold at most 1000 items") })
  .strict();

export const Budget = z.object({
  channelDay: z.number().int().nullable(),
  channelWeek: z.number().int().nullable(),
  globalWeek: z.number().int().nullable(),
});

export const DecisionResponse = z.object({
  verdict: z.enum(["send", "defer", "digest", "deny"]),
  reasons: z.array(z.enum(reasonCodes)).describe("Every reason that applies, the decisive one first"),
  notBefore: z.string().nullable().describe("For defer: the earliest time to try again"),
  digestAt: z.string().nullable().describe("For digest: when the digest goes out"),
  budget: Budget.describe("Sends left in each capped window for this priority; null where uncapped"),
  explanation: z.string().describe("The decision in the customer's language"),
  committed: z.boolean().describe("Whether a send was recorded"),
});
export type DecisionResponse = z.infer<typeof DecisionResponse>;

export const ErrorResponse = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })),
  }),
});

export const BatchResponse = z.object({
  results: z.array(z.union([DecisionResponse, ErrorResponse.extend({ status: z.number().int() })])),
});

export const CustomerPut = z
  .object({
    email: z.email("must be an email address").trim().toLowerCase().max(254).nullable().optional(),
    phone: z
      .string()
      .trim()
      .regex(/^\+[1-9]\d{6,14}$/, "must be an international number in E.164 form, e.g. +33612345678")
      .nullable()
      .optional(),
    name: z
      .string()
      .trim()
      .max(120, "must be at most 120 characters")
      .nullable()
      .optional()
      .describe("How the customer likes to be addressed; null or an empty string clears it"),
    locale: Locale.optional(),
    timezone: TimeZone.optional(),
  })
  .strict();

/** Words the consent ledger keeps for ever: letters, digits and . _ : - only (no @, no spaces). */
const LedgerLabel = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, "may use only letters, digits and . _ : - (no spaces, no @)");

const QuietHours = z.object({ start: LocalTime, end: LocalTime }).strict();

export const PreferencesPatch = z
  .object({
    subscriptions: z
      .array(
        z
          .object({ topic: TopicKey, channel: Channel, status: SubscriptionStatus, frequency: Frequency.optional() })
          .strict(),
      )
      .max(200)
      .optional(),
    channels: z
      .partialRecord(
        Channel,
        z
          .object({
            enabled: z.boolean().optional(),
            quietHours: QuietHours.nullable().optional(),
            dailyCap: z.number().int().min(0).max(100).nullable().optional(),
            weeklyCap: z.number().int().min(0).max(500).nullable().optional(),
          })
          .strict(),
      )
      .optional(),
    pausedUntil: Instant.nullable().optional(),
    context: z
      .object({
        mode: z.enum(["none", "looking", "browsing"]),
        until: Instant.nullable().optional(),
        topics: z.array(TopicKey).max(50).optional(),
      })
      .strict()
      .optional(),
    excludedTags: z.array(z.string().trim().toLowerCase().min(1).max(60)).max(50).optional(),
    globalWeeklyCap: z.number().int().min(0).max(1000).nullable().optional(),
    digest: z
      .object({ hour: z.number().int().min(0).max(23), weekday: z.number().int().min(1).max(7).optional() })
      .strict()
      .optional(),
    // A label, not free text: the ledger can never be erased, so it must never hold a name or address.
    source: LedgerLabel.max(60).default("api").describe("Recorded in the consent ledger, e.g. crm-sync"),
    policyVersion: LedgerLabel.max(40).optional(),
  })
  .strict();
export type PreferencesPatch = z.infer<typeof PreferencesPatch>;
