// The scheduler's API bodies: a message handed to Mesure (`POST /api/v1/messages`) and its
// status history. Content is checked here, channel by channel, so the worker never holds a
// message it cannot render: every channel the message may use needs a template or its own text.
import { z } from "zod";
import { HttpUrl, templateData, templateNames } from "../../../emails/template-data";
import { Channel } from "../vocabulary";
import { DecisionRequest, DecisionResponse } from "./schemas";

const Text = (max: number) =>
  z.string().trim().min(1, "must not be empty").max(max, `must be at most ${max} characters`);
export const MessageContent = z
  .object({
    template: z
      .object({
        name: z.enum(templateNames, { error: `must be one of ${templateNames.join(", ")}` }),
        data: z.record(z.string(), z.unknown()).default({}),
      })
      .strict()
      .optional()
      .describe("A template from emails/ with its data; it also gives the SMS, push and in-app text"),
    email: z
      .object({ subject: Text(200), text: Text(20_000).describe("Paragraphs separated by blank lines") })
      .strict()
      .optional(),
    sms: z
      .object({ text: Text(1000) })
      .strict()
      .optional(),
    push: z
      .object({ title: Text(100), text: Text(300), url: HttpUrl.optional() })
      .strict()
      .optional(),
    inApp: z
      .object({ title: Text(200), text: Text(2000), url: HttpUrl.optional() })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((content, ctx) => {
    if (!content.template) return;
    // The template's own schema, with its issues placed under template.data.
    const parsed = templateData[content.template.name].safeParse(content.template.data);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        ctx.addIssue({ code: "custom", path: ["template", "data", ...issue.path], message: issue.message });
      }
    }
  });
export type MessageContent = z.infer<typeof MessageContent>;

const contentKey = { email: "email", sms: "sms", push: "push", in_app: "inApp" } as const;

/** Whether the content can be shown on a channel: a template serves every channel. */
export function contentCovers(content: MessageContent, channel: Channel): boolean {
  return Boolean(content.template || content[contentKey[channel]]);
}

export const MessageRequest = DecisionRequest.omit({ channel: true, at: true, commit: true })
  .extend({
    channel: Channel.optional().describe("The channel, or give `channels`"),
    channels: z
      .array(Channel)
      .min(1, "needs at least one channel")
      .max(4)
      .refine((list) => new Set(list).size === list.length, "must not repeat a channel")
      .optional()
      .describe("Channels in fallback order: the first one the customer's settings allow is used"),
    content: MessageContent,
  })
  .strict()
  .superRefine((message, ctx) => {
    if ((message.channel === undefined) === (message.channels === undefined)) {
      ctx.addIssue({ code: "custom", path: ["channels"], message: "give either channel or channels, not both" });
      return;
    }
    const list = message.channels ?? [message.channel!];
    list.forEach((channel, index) => {
      if (!contentCovers(message.content, channel)) {
        ctx.addIssue({
          code: "custom",
          path: message.channels ? ["channels", index] : ["channel"],
          message: `has no content: give content.template or content.${contentKey[channel]}`,
        });
      }
    });
  })
  .transform(({ channel, channels, ...rest }) => ({ ...rest, channels: channels ?? [channel!] }));
export type MessageRequest = z.infer<typeof MessageRequest>;

export const MessageBatchRequest = z
  .object({ items: z.array(z.unknown()).min(1, "needs at least one item").max(1000, "may hold at most 1000 items") })
  .strict();

/** `uncertain`: its worker died after handing it to a provider that cannot be asked; not sent again. */
export const messageStatuses = [
  "queued",
  "deferred",
  "digested",
  "sending",
  "sent",
  "denied",
  "failed",
  "uncertain",
] as const;

export const MessageEventView = z.object({
  status: z.enum(messageStatuses),
  at: z.string(),
  channel: Channel.nullable(),
  reasons: z.array(z.string()),
  detail: z.string().nullable().describe("Why it failed, which channels were passed over, or which digest carried it"),
  until: z.string().nullable().describe("Deferred: not before; digested: the digest's time; a retry: the next attempt"),
});

export const MessageView = z.object({
  id: z.string(),
  customer: z.string(),
  topic: z.string(),
  channels: z.array(Channel),
  priority: z.string(),
  campaign: z.string().nullable(),
  status: z.enum(messageStatuses),
  channel: Channel.nullable().describe("The channel it left on, or the one its current plan uses"),
  dueAt: z.string().nullable().describe("For deferred: not before; for digested: the digest's time"),
  expiresAt: z.string().nullable(),
  createdAt: z.string(),
  history: z.array(MessageEventView),
});
export type MessageView = z.infer<typeof MessageView>;

export const MessageAccepted = z.object({
  id: z.string(),
  status: z.enum(messageStatuses),
  channel: Channel.nullable(),
  decision: DecisionResponse.omit({ committed: true }).describe("The decision at intake, for that channel"),
});
export type MessageAccepted = z.infer<typeof MessageAccepted>;

export const SuppressionRequest = z
  .object({
    email: z.email("must be an email address").trim().toLowerCase().max(254).optional(),
    phone: z
      .string()
      .trim()
      .regex(/^\+[1-9]\d{6,14}$/, "must be an international number in E.164 form, e.g. +33612345678")
      .optional(),
    reason: z
      .enum(["hard_bounce", "complaint", "manual"], { error: "must be hard_bounce, complaint or manual" })
      .describe("A bounce or complaint your mail provider reported (feedback loop), or your own decision"),
  })
  .strict()
  .refine((body) => (body.email === undefined) !== (body.phone === undefined), {
    message: "give either email or phone",
    path: ["email"],
  });
