// Checking an import file without touching the database: its header (known columns only, each
// once, external_id among them) and each row against the customer rules the API applies, the
// brand's topics, and the rule that a marketing or alert subscription comes with its proof of
// consent. A row is either taken whole or refused with every problem named; never half-taken.
import type { z } from "zod";
import { Channel, Frequency, type Locale, type TopicKind } from "~/lib/vocabulary";
import { CustomerInput } from "~/models/customer.server";
import { IMPORT_COLUMNS, MAX_CONSENT_SOURCE, MAX_CONSENT_TEXT, MAX_POLICY_VERSION, type ImportColumn } from "./columns";
import { undefuse } from "./csv";
import type { FileIssue, RowIssue } from "./issues";

/** Where each column of the file is. */
export type Header = { index: Partial<Record<ImportColumn, number>>; width: number };

export function readHeader(cells: readonly string[]): { ok: true; header: Header } | { ok: false; issue: FileIssue } {
  const names = cells.map((cell) => cell.trim().toLowerCase());
  const known = new Set<string>(IMPORT_COLUMNS);
  const unknown = names.filter((name) => !known.has(name));
  if (unknown.length) {
    return {
      ok: false,
      issue: {
        code: "unknownColumns",
        values: {
          names: unknown.map((name) => (name ? `“${name}”` : "“”")).join(", "),
          expected: IMPORT_COLUMNS.join(", "),
        },
      },
    };
  }
  const repeated = [...new Set(names.filter((name, index) => names.indexOf(name) !== index))];
  if (repeated.length) return { ok: false, issue: { code: "repeatedColumns", values: { names: repeated.join(", ") } } };
  if (!names.includes("external_id")) return { ok: false, issue: { code: "missingExternalId" } };
  const index: Header["index"] = {};
  names.forEach((name, position) => (index[name as ImportColumn] = position));
  return { ok: true, header: { index, width: names.length } };
}

/** A topic as the checks need it. */
export type CatalogTopic = {
  id: string;
  key: string;
  kind: TopicKind;
  channels: readonly Channel[];
  defaultFrequency: Frequency;
};

export type ImportSubscription = {
  topic: CatalogTopic;
  channel: Channel;
  /** Left out: the current one for an existing subscription, the topic's default for a new one. */
  frequency?: Frequency;
};

/** A row that passed every check, normalised. Fields left empty are undefined: "leave as is". */
export type ImportRow = {
  externalId: string;
  email?: string;
  phone?: string;
  name?: string;
  locale?: Locale;
  timezone?: string;
  subscriptions: ImportSubscription[];
  /** When and where consent was given; required as soon as one subscription is not transactional. */
  proof: { consentedAt: Date; source: string } | null;
  consentText?: string;
  policyVersion?: string;
};

export type RowResult = { ok: true; row: ImportRow } | { ok: false; issues: RowIssue[] };

const customerRules = CustomerInput.shape;

/** Checks one record. `now` bounds consented_at (consent cannot come from the future). */
export function readRow(
  cells: readonly string[],
  header: Header,
  topics: ReadonlyMap<string, CatalogTopic>,
  now: Date,
): RowResult {
  if (cells.length !== header.width) {
    return {
      ok: false,
      issues: [{ field: "", code: "cells", values: { count: cells.length, expected: header.width } }],
    };
  }
  const cell = (column: ImportColumn): string | undefined => {
    const position = header.index[column];
    if (position === undefined) return undefined;
    const value = undefuse(cells[position]!).trim();
    return value === "" ? undefined : value;
  };
  const issues: RowIssue[] = [];

  const externalIdCell = cell("external_id");
  let externalId = "";
  if (externalIdCell === undefined) issues.push({ field: "external_id", code: "required" });
  else {
    const parsed = customerRules.externalId.safeParse(externalIdCell);
    if (parsed.success) externalId = parsed.data;
    else issues.push({ field: "external_id", code: "externalId" });
  }

  const email = check(cell("email"), customerRules.email, { field: "email", code: "email" }, issues);
  const phone = check(cell("phone"), customerRules.phone, { field: "phone", code: "phone" }, issues);
  const name = check(
    cell("name"),
    customerRules.name,
    { field: "name", code: "tooLong", values: { max: 120 } },
    issues,
  );
  const locale = check(cell("locale"), customerRules.locale, { field: "locale", code: "locale" }, issues);
  const timezone = checkTimeZone(cell("timezone"), issues);

  const subscriptions = readSubscriptions(cell("subscriptions"), topics, issues);

  const consentedAtCell = cell("consented_at");
  let consentedAt: Date | undefined;
  if (consentedAtCell !== undefined) {
    const date = parseIsoDate(consentedAtCell);
    if (!date) issues.push({ field: "consented_at", code: "date" });
    else if (date.getTime() > now.getTime()) issues.push({ field: "consented_at", code: "future" });
    else consentedAt = date;
  }
  const consentSource = limited(cell("consent_source"), "consent_source", MAX_CONSENT_SOURCE, issues);
  const consentText = limited(cell("consent_text"), "consent_text", MAX_CONSENT_TEXT, issues);
  const policyVersion = limited(cell("policy_version"), "policy_version", MAX_POLICY_VERSION, issues);

  // Proof of consent: what a marketing or alert subscription cannot be imported without.
  const needingProof = [
    ...new Set(subscriptions.filter((s) => s.topic.kind !== "transactional").map((s) => s.topic.key)),
  ];
  if (needingProof.length) {
    const topicList = needingProof.join(", ");
    if (consentedAtCell === undefined) {
      issues.push({ field: "consented_at", code: "proofRequired", values: { topics: topicList } });
    }
    if (cell("consent_source") === undefined) {
      issues.push({ field: "consent_source", code: "proofRequired", values: { topics: topicList } });
    }
  }

  if (issues.length) return { ok: false, issues };
  return {
    ok: true,
    row: {
      externalId,
      ...(email != null && { email }),
      ...(phone != null && { phone }),
      ...(name != null && { name }),
      ...(locale !== undefined && { locale }),
      ...(timezone !== undefined && { timezone }),
      subscriptions,
      proof: consentedAt && consentSource ? { consentedAt, source: consentSource } : null,
      ...(consentText !== undefined && { consentText }),
      ...(policyVersion !== undefined && { policyVersion }),
    },
  };
}

/** A cell through one of the customer rules: its value, or an issue. */
function check<T extends z.ZodType>(
  value: string | undefined,
  schema: T,
  issue: RowIssue,
  issues: RowIssue[],
): z.output<T> | undefined {
  if (value === undefined) return undefined;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  issues.push(issue);
  return undefined;
}

// Checking a zone builds an Intl formatter (a tenth of a millisecond); a file holds few zones.
const knownZones = new Map<string, string | null>();

function checkTimeZone(value: string | undefined, issues: RowIssue[]): string | undefined {
  if (value === undefined) return undefined;
  let zone = knownZones.get(value);
  if (zone === undefined) {
    const parsed = customerRules.timezone.safeParse(value);
    zone = parsed.success && parsed.data ? parsed.data : null;
    if (knownZones.size < 1_000) knownZones.set(value, zone);
  }
  if (zone === null) issues.push({ field: "timezone", code: "timezone" });
  return zone ?? undefined;
}

function limited(value: string | undefined, field: ImportColumn, max: number, issues: RowIssue[]): string | undefined {
  if (value !== undefined && value.length > max) {
    issues.push({ field, code: "tooLong", values: { max } });
    return undefined;
  }
  return value;
}

/** "newsletter:email;price-drop:sms:daily" into subscriptions, each checked against the topics. */
function readSubscriptions(
  value: string | undefined,
  topics: ReadonlyMap<string, CatalogTopic>,
  issues: RowIssue[],
): ImportSubscription[] {
  if (value === undefined) return [];
  const found: ImportSubscription[] = [];
  const seen = new Set<string>();
  const field = "subscriptions";
  for (const part of value.split(";").map((text) => text.trim())) {
    if (part === "") continue;
    const pieces = part.split(":").map((piece) => piece.trim().toLowerCase());
    if (pieces.length < 2 || pieces.length > 3 || pieces.some((piece) => piece === "")) {
      issues.push({ field, code: "subscriptionFormat", values: { part } });
      continue;
    }
    const [key, channelText, frequencyText] = pieces as [string, string, string | undefined];
    const topic = topics.get(key);
    if (!topic) {
      issues.push({ field, code: "topicUnknown", values: { topic: key } });
      continue;
    }
    const channel = Channel.safeParse(channelText);
    if (!channel.success) {
      issues.push({ field, code: "channelUnknown", values: { channel: channelText } });
      continue;
    }
    if (!topic.channels.includes(channel.data)) {
      issues.push({ field, code: "channelNotOffered", values: { topic: key, channel: channel.data } });
      continue;
    }
    let frequency: Frequency | undefined;
    if (frequencyText !== undefined) {
      const parsed = Frequency.safeParse(frequencyText);
      if (!parsed.success) {
        issues.push({ field, code: "frequencyUnknown", values: { frequency: frequencyText } });
        continue;
      }
      frequency = parsed.data;
    }
    if (topic.kind === "transactional" && frequency !== undefined && frequency !== "instant") {
      issues.push({ field, code: "transactionalInstant", values: { topic: key } });
      continue;
    }
    const subject = `${key}:${channel.data}`;
    if (seen.has(subject)) {
      issues.push({ field, code: "subscriptionRepeated", values: { subject } });
      continue;
    }
    seen.add(subject);
    found.push({ topic, channel: channel.data, ...(frequency && { frequency }) });
  }
  return found;
}

const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/**
 * An ISO 8601 date ("2024-05-01"), or date and time with or without seconds and zone
 * ("2024-05-01T10:30:00+02:00"); without a zone it is UTC. Impossible dates (February 30th) are
 * refused rather than rolled over, as Date would.
 */
export function parseIsoDate(text: string): Date | null {
  const match = ISO_DATE.exec(text.trim());
  if (!match) return null;
  const [, y, mo, d, h = "0", mi = "0", s = "0", fraction = "", zone = "Z"] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return null;
  if (day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return null;
  const millis = Number(fraction.padEnd(3, "0").slice(0, 3));
  let offsetMinutes = 0;
  if (zone.toUpperCase() !== "Z") {
    const sign = zone.startsWith("-") ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    const offsetHours = Number(digits.slice(0, 2));
    const offsetMins = Number(digits.slice(2) || "0");
    if (offsetHours > 14 || offsetMins > 59) return null;
    offsetMinutes = sign * (offsetHours * 60 + offsetMins);
  }
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
  const date = new Date(utc);
  // Date.UTC maps years 0-99 to 1900-1999.
  if (year < 1000) return null;
  return date;
}

/** For each row whose external id came earlier in the file: the line where it first appeared. */
export function earlierLines(rows: readonly { line: number; externalId: string | undefined }[]): Map<number, number> {
  const first = new Map<string, number>();
  const repeats = new Map<number, number>();
  for (const row of rows) {
    if (!row.externalId) continue;
    const seen = first.get(row.externalId);
    if (seen === undefined) first.set(row.externalId, row.line);
    else repeats.set(row.line, seen);
  }
  return repeats;
}
