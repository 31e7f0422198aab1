// The data each brand template takes, as zod schemas: kept apart from the React components so
// the API's schemas (and the OpenAPI document) can use them without loading React Email.
import { z } from "zod";

/** An absolute http(s) link, as templates and message content take them. */
export const HttpUrl = z
  .url({ error: "must be an absolute http(s) URL" })
  .max(2000)
  .refine((url) => /^https?:\/\//.test(url), "must be an http or https URL");

export const Notification = z
  .object({
    title: z.string().trim().min(1).max(200),
    body: z.string().trim().min(1).max(20_000).describe("Paragraphs separated by blank lines"),
    actionLabel: z.string().trim().min(1).max(60).optional(),
    actionUrl: HttpUrl.optional(),
  })
  .strict()
  .refine((data) => !data.actionLabel === !data.actionUrl, {
    message: "actionLabel and actionUrl go together",
    path: ["actionUrl"],
  });

export const PriceDrop = z
  .object({
    product: z.string().trim().min(1).max(200),
    designer: z.string().trim().min(1).max(100).optional(),
    size: z.string().trim().min(1).max(20).optional(),
    oldPrice: z.number().positive(),
    newPrice: z.number().positive(),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, "must be an ISO 4217 code, e.g. EUR")
      .default("EUR"),
    url: HttpUrl,
    imageUrl: HttpUrl.optional(),
  })
  .strict()
  .refine((data) => data.newPrice < data.oldPrice, { message: "must be below oldPrice", path: ["newPrice"] });

export const templateData = { notification: Notification, "price-drop": PriceDrop } as const;
export type TemplateName = keyof typeof templateData;
export const templateNames = Object.keys(templateData) as [TemplateName, ...TemplateName[]];
