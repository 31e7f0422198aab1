// The closed vocabularies of the domain and the shapes of the JSON columns, as zod schemas.
// The database stores these as text (see prisma/schema.prisma); every read and write of them
// goes through these schemas, so both databases and every boundary agree on what is valid.
import { z } from "zod";

// zod's wording for the two issues people hit most, in the words our API and forms use
// everywhere else. Configured here because every schema imports this module.
z.config({
  customError: (issue) => {
    if (issue.code === "invalid_type" && issue.input === undefined) return "is required";
    if (issue.code === "invalid_type")
      return `must be ${issue.expected === "int" ? "a whole number" : `a ${issue.expected}`}`;
    return undefined;
  },
});

export const channels = ["email", "sms", "push", "in_app"] as const;
export const Channel = z.enum(channels, { error: `must be one of ${channels.join(", ")}` });
export type Channel = z.infer<typeof Channel>;

export const topicKinds = ["transactional", "marketing", "alert"] as const;
export const TopicKind = z.enum(topicKinds, { error: `must be one of ${topicKinds.join(", ")}` });
export type TopicKind = z.infer<typeof TopicKind>;

export const frequencies = ["instant", "daily", "weekly", "monthly"] as const;
export const Frequency = z.enum(frequencies, { error: `must be one of ${frequencies.join(", ")}` });
export type Frequency = z.infer<typeof Frequency>;

export const priorities = ["critical", "high", "normal", "low"] as const;
export const Priority = z.enum(priorities, { error: `must be one of ${priorities.join(", ")}` });
export type Priority = z.infer<typeof Priority>;

export const SubscriptionStatus = z.enum(["subscribed", "pending", "unsubscribed"]);
export type SubscriptionStatus = z.infer<typeof SubscriptionStatus>;

export const ContextMode = z.enum(["none", "looking", "browsing"]);
export type ContextMode = z.infer<typeof ContextMode>;

export const locales = ["fr", "en"] as const;
export const Locale = z.enum(locales, { error: "must be fr or en" });
export type Locale = z.infer<typeof Locale>;

export const Slug = z
  .string()
  .trim()
  .toLowerCase()
  .min(2, "must be at least 2 characters")
  .max(40, "must be at most 40 characters")
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "may use only a-z, 0-9 and single hyphens, e.g. maison-demo");

export const TopicKey = Slug;

/** An IANA time zone the runtime knows, e.g. Europe/Paris. */
export const TimeZone = z
  .string()
  .trim()
  .refine(isTimeZone, { message: "must be an IANA time zone such as Europe/Paris" });

export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return value.includes("/") || value === "UTC";
  } catch {
    return false;
  }
}

/** Local wall-clock time "HH:MM", 00:00 to 23:59. */
export const LocalTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a time HH:MM, e.g. 21:30");

export const HexColor = z.string().regex(/^#[0-9a-fA-F]{6}$/, "must be a colour like #1f4d3a");

export const Theme = z.object({
  primaryColor: HexColor.optional(),
  accentColor: HexColor.optional(),
  logoUrl: z.url().optional(),
});
export type Theme = z.infer<typeof Theme>;

/** An origin a brand's site is served from, e.g. https://shop.example (no path). */
export const Origin = z
  // abort: the refinement below parses the URL, and must not run on text that is none.
  .url({ error: "must be an origin such as https://shop.example", abort: true })
  .refine((value) => {
    const url = new URL(value);
    return /^https?:$/.test(url.protocol) && url.pathname === "/" && !url.search && !url.hash;
  }, "must be an origin such as https://shop.example, without a path")
  .transform((value) => new URL(value).origin);

/** A typed field an alert filter on a topic may use. */
export const FilterField = z.discriminatedUnion("type", [
  z.object({
    key: TopicKey,
    type: z.literal("set"),
    labelFr: z.string().min(1),
    labelEn: z.string().min(1),
    options: z.array(z.string().min(1)).min(1),
  }),
  z.object({
    key: TopicKey,
    type: z.literal("range"),
    labelFr: z.string().min(1),
    labelEn: z.string().min(1),
    unit: z.string().optional(),
  }),
  z.object({ key: TopicKey, type: z.literal("text"), labelFr: z.string().min(1), labelEn: z.string().min(1) }),
]);
export type FilterField = z.infer<typeof FilterField>;

/** A criterion on one field: set membership, numeric range or text equality. */
export const Criterion = z.union([
  z.object({ in: z.array(z.string().min(1)).min(1) }).strict(),
  z
    .object({ min: z.number().optional(), max: z.number().optional() })
    .strict()
    .refine((range) => range.min !== undefined || range.max !== undefined, "a range needs min or max"),
  z.object({ eq: z.string().min(1) }).strict(),
]);
export const AlertCriteria = z.record(z.string(), Criterion);
export type AlertCriteria = z.infer<typeof AlertCriteria>;

/** A window in which a brand may send on a channel, in the customer's local time. */
export const SendWindow = z.object({
  days: z.array(z.number().int().min(1).max(7)).min(1),
  start: LocalTime,
  end: LocalTime,
});
export type SendWindow = z.infer<typeof SendWindow>;

export const LocalizedText = z.object({ fr: z.string().optional(), en: z.string().optional() });
