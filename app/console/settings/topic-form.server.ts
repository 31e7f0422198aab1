// The topic forms of the console: what a posted form says (a draft, kept as typed so the page
// can show it again beside its errors), and its parsing into what the topic model takes. The
// alert filter fields are rows `fields.<n>.*`; options of a "set" field are one per line.
import { z } from "zod";
import type { FieldErrors } from "~/lib/forms.server";
import { Channel, channels, type FilterField, Frequency, TopicKind, type Locale } from "~/lib/vocabulary";
import type { Topic, TopicChanges, TopicInput } from "~/models/topic.server";
import { filterFieldTypes, isBlankFieldRow, type FieldRowDraft } from "./drafts";
import { inputName, settingsErrors } from "./errors.server";
import { allOf, checked, linesOf, MAX_ROWS, numberOf, rowNumbers, textOf } from "./rows";

export type TopicDraft = {
  nameFr: string;
  nameEn: string;
  descriptionFr: string;
  descriptionEn: string;
  kind: string;
  channels: string[];
  defaultFrequency: string;
  defaultOn: boolean;
  doubleOptIn: boolean;
  weeklyVolume: string;
  fields: FieldRowDraft[];
};

export function draftOfTopic(topic: Topic): TopicDraft {
  return {
    nameFr: topic.nameFr,
    nameEn: topic.nameEn,
    descriptionFr: topic.descriptionFr,
    descriptionEn: topic.descriptionEn,
    kind: topic.kind,
    channels: topic.channels,
    defaultFrequency: topic.defaultFrequency,
    defaultOn: topic.defaultOn,
    doubleOptIn: topic.doubleOptIn,
    weeklyVolume: String(topic.weeklyVolume),
    fields: topic.filterFields.map((field, n) => ({
      n,
      key: field.key,
      type: field.type,
      labelFr: field.labelFr,
      labelEn: field.labelEn,
      options: field.type === "set" ? field.options.join("\n") : "",
      unit: field.type === "range" ? (field.unit ?? "") : "",
      existing: true,
      remove: false,
    })),
  };
}

export function draftOfForm(form: FormData): TopicDraft {
  const posted = new Set(allOf(form, "channels"));
  return {
    nameFr: textOf(form, "nameFr"),
    nameEn: textOf(form, "nameEn"),
    descriptionFr: textOf(form, "descriptionFr"),
    descriptionEn: textOf(form, "descriptionEn"),
    kind: textOf(form, "kind"),
    // In the canonical order, each once, whatever the post repeated; unknown ones are kept so
    // zod names them.
    channels: [...channels.filter((channel) => posted.has(channel)), ...[...posted].filter((c) => !isChannel(c))],
    defaultFrequency: textOf(form, "defaultFrequency"),
    defaultOn: checked(form, "defaultOn"),
    doubleOptIn: checked(form, "doubleOptIn"),
    weeklyVolume: textOf(form, "weeklyVolume"),
    fields: rowNumbers(form, "fields").map((n) => {
      const name = (field: string) => `fields.${n}.${field}`;
      return {
        n,
        key: textOf(form, name("key")),
        type: textOf(form, name("type")),
        labelFr: textOf(form, name("labelFr")),
        labelEn: textOf(form, name("labelEn")),
        options: textOf(form, name("options")),
        unit: textOf(form, name("unit")),
        existing: checked(form, name("existing")),
        remove: checked(form, name("remove")),
      };
    }),
  };
}

function isChannel(value: string): value is Channel {
  return (channels as readonly string[]).includes(value);
}

/** Same rule as topic keys (Slug), with the console's wording. */
export const Key = z
  .string()
  .trim()
  .toLowerCase()
  .min(2, "key")
  .max(40, "key")
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "key");

const Label = z.string().trim().min(1).max(60);

const FieldRow = z
  .object({
    key: Key,
    type: z.enum(filterFieldTypes),
    labelFr: Label,
    labelEn: Label,
    options: z.array(z.string().max(60)).max(200),
    unit: z.string().trim().max(20),
  })
  .superRefine((row, ctx) => {
    if (row.type === "set" && row.options.length === 0) {
      ctx.addIssue({ code: "custom", path: ["options"], message: "optionsRequired" });
    }
    const seen = new Set<string>();
    for (const option of row.options) {
      if (seen.has(option.toLowerCase())) {
        ctx.addIssue({ code: "custom", path: ["options"], message: "optionRepeated", params: { option } });
        break;
      }
      seen.add(option.toLowerCase());
    }
  })
  .transform((row): FilterField => {
    const base = { key: row.key, labelFr: row.labelFr, labelEn: row.labelEn };
    if (row.type === "set") return { ...base, type: "set", options: row.options };
    if (row.type === "range") return { ...base, type: "range", ...(row.unit ? { unit: row.unit } : {}) };
    return { ...base, type: "text" };
  });

const Text = (max: number) => z.string().trim().min(1).max(max);

const topicShape = {
  nameFr: Text(120),
  nameEn: Text(120),
  kind: TopicKind,
  channels: z.array(Channel).min(1, "channelsMin"),
  defaultFrequency: Frequency,
};

function transactionalIsInstant(topic: { kind: string; defaultFrequency: string }, ctx: z.RefinementCtx) {
  if (topic.kind === "transactional" && topic.defaultFrequency !== "instant") {
    ctx.addIssue({ code: "custom", path: ["defaultFrequency"], message: "transactionalInstant" });
  }
}

function TopicChangesForm(current: FilterField[]) {
  return z
    .object({
      ...topicShape,
      descriptionFr: z.string().trim().max(500),
      descriptionEn: z.string().trim().max(500),
      defaultOn: z.boolean(),
      doubleOptIn: z.boolean(),
      weeklyVolume: z.number().min(0).max(200),
      filterFields: z.array(FieldRow).max(MAX_ROWS, "tooManyRows"),
    })
    .superRefine((topic, ctx) => {
      transactionalIsInstant(topic, ctx);
      if (topic.kind !== "alert" && topic.filterFields.length > 0) {
        ctx.addIssue({ code: "custom", path: ["filterFields"], message: "fieldsAlertOnly" });
      }
      const seen = new Set<string>();
      topic.filterFields.forEach((field, index) => {
        if (seen.has(field.key)) {
          ctx.addIssue({ code: "custom", path: ["filterFields", index, "key"], message: "fieldKeyRepeated" });
        }
        seen.add(field.key);
        const before = current.find((saved) => saved.key === field.key);
        if (before && before.type !== field.type) {
          ctx.addIssue({ code: "custom", path: ["filterFields", index, "type"], message: "fieldTypeFixed" });
        }
      });
    });
}

export type Parsed<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

/** A topic's edit form, checked against the fields the topic has now (their types are fixed). */
export function parseTopicChanges(draft: TopicDraft, current: FilterField[], locale: Locale): Parsed<TopicChanges> {
  const rows = draft.fields.filter((row) => !row.remove && !isBlankFieldRow(row));
  const parsed = TopicChangesForm(current).safeParse({
    ...draft,
    weeklyVolume: numberOf(draft.weeklyVolume),
    filterFields: rows.map((row) => ({ ...row, options: linesOf(row.options) })),
  });
  if (parsed.success) return { ok: true, data: parsed.data };
  // Issues about the n-th row zod saw belong beside the inputs of the form's row.
  const name = (path: PropertyKey[]) => {
    if (path[0] === "filterFields" && typeof path[1] === "number") {
      const row = rows[path[1]];
      if (row) return `fields.${row.n}.${typeof path[2] === "string" ? path[2] : "key"}`;
    }
    return inputName(path);
  };
  return { ok: false, errors: settingsErrors(parsed.error, locale, name) };
}

const NewTopicForm = z.object({ key: Key, ...topicShape }).superRefine(transactionalIsInstant);

export type NewTopicDraft = {
  key: string;
  nameFr: string;
  nameEn: string;
  kind: string;
  channels: string[];
  defaultFrequency: string;
};

export function newTopicDraft(form: FormData): NewTopicDraft {
  const draft = draftOfForm(form);
  return {
    key: textOf(form, "key"),
    nameFr: draft.nameFr,
    nameEn: draft.nameEn,
    kind: draft.kind,
    channels: draft.channels,
    defaultFrequency: draft.defaultFrequency,
  };
}

/** The short form that creates a topic; the rest is edited on the topic's page. */
export function parseNewTopic(draft: NewTopicDraft, locale: Locale): Parsed<TopicInput> {
  const parsed = NewTopicForm.safeParse(draft);
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false, errors: settingsErrors(parsed.error, locale) };
}
