// Twilio's inbound SMS webhook (POST /api/v1/sms/{brand}/inbound) as a zod schema: it checks
// each call and describes the route in the OpenAPI document.
import { z } from "zod";

/** The fields of Twilio's inbound message webhook that Mesure reads; Twilio sends more. */
export const InboundSms = z.object({
  From: z.string().trim().min(1, "is required").max(64).describe("The sender's number, E.164"),
  To: z.string().trim().min(1, "is required").max(64).describe("The brand's number"),
  Body: z.string().max(10_000).default("").describe("The message's text"),
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/, "must be a Twilio message SID"),
  AccountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, "must be a Twilio account SID"),
  // Sent when the number is in a Messaging Service with Advanced Opt-Out: Twilio's own reading
  // of the message, keywords the brand configured there (in any language) included.
  OptOutType: z
    .enum(["STOP", "START", "HELP"])
    .optional()
    .catch(undefined)
    .describe("Twilio's reading of the message (Advanced Opt-Out); it wins over Mesure's own"),
});
