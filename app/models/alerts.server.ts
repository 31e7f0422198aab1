// Alert filters as the portal edits them: criteria read from a form typed by the topic's
// fields, and how many of the brand's recent alerts on the topic a filter would have matched.
import { z } from "zod";
import type { Tx } from "~/db/client.server";
import { fromJson } from "~/lib/json-column";
import type { AlertCriteria, FilterField } from "~/lib/vocabulary";
import { criteriaMatch, type MessageAttributes } from "~/policy";

export const RECENT_DAYS = 30;

/** Criteria from form fields named after the topic's filter fields; errors keyed by field. */
export function criteriaFromForm(
  fields: FilterField[],
  form: FormData,
  messages: { number: string; range: string; option: string; tooLong: string },
): { criteria: AlertCriteria; errors: Record<string, string> } {
  const criteria: AlertCriteria = {};
  const errors: Record<string, string> = {};
  for (const field of fields) {
    if (field.type === "set") {
      const chosen = form.getAll(field.key).map(String);
      if (chosen.some((value) => !field.options.includes(value))) errors[field.key] = messages.option;
      else if (chosen.length) criteria[field.key] = { in: chosen };
    } else if (field.type === "range") {
      const read = (name: string) => {
        const raw = String(form.get(`${field.key}.${name}`) ?? "")
          .trim()
          .replace(",", ".");
        if (raw === "") return undefined;
        const value = Number(raw);
        if (!Number.isFinite(value) || value < 0) errors[`${field.key}.${name}`] = messages.number;
        return value;
      };
      const min = read("min");
      const max = read("max");
      if (min !== undefined && max !== undefined && min > max) errors[`${field.key}.max`] = messages.range;
      if (min !== undefined || max !== undefined) {
        criteria[field.key] = { ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) };
      }
    } else {
      const value = String(form.get(field.key) ?? "").trim();
      if (value.length > 120) errors[field.key] = messages.tooLong;
      else if (value) criteria[field.key] = { eq: value };
    }
  }
  return { criteria, errors };
}

/**
 * The distinct alerts the brand sent on a topic lately (to anyone: they describe products, not
 * people), to count what a filter would have matched.
 */
export async function recentAlerts(db: Tx, input: { brandId: string; topicId: string }, now = new Date()) {
  const rows = await db.message.findMany({
    where: {
      brandId: input.brandId,
      topicId: input.topicId,
      createdAt: { gt: new Date(now.getTime() - RECENT_DAYS * 86_400_000) },
    },
    orderBy: { createdAt: "desc" },
    take: 2000,
    select: { attributes: true },
  });
  const distinct = new Set(rows.map((row) => row.attributes));
  return [...distinct].map(
    (text) => fromJson(z.record(z.string(), z.any()), text, "Message.attributes") as MessageAttributes,
  );
}

export function countMatches(alerts: MessageAttributes[], criteria: AlertCriteria): number {
  return alerts.filter((attributes) => criteriaMatch(criteria, attributes)).length;
}
