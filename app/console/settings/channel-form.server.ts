// The channels form of the console: per channel on/off, default caps and send windows (rows
// `<channel>.windows.<n>.*`, days as ISO weekdays), and the brand's cap across channels and
// reserve for `high` messages. Parsed into what writeChannelRules takes.
import { z } from "zod";
import { channels, type Channel, type Locale } from "~/lib/vocabulary";
import type { ChannelRules } from "~/models/brand.server";
import { isBlankWindow, type WindowDraft } from "./drafts";
import { inputName, settingsErrors } from "./errors.server";
import { allOf, checked, MAX_ROWS, numberOf, rowNumbers, textOf } from "./rows";
import type { Parsed } from "./topic-form.server";

export type ChannelDraft = { enabled: boolean; dailyCap: string; weeklyCap: string; windows: WindowDraft[] };
export type ChannelsDraft = {
  channels: Record<Channel, ChannelDraft>;
  globalWeeklyCap: string;
  highPriorityReserve: string;
};

const capText = (cap: number | null) => (cap === null ? "" : String(cap));

export function draftOfRules(rules: ChannelRules): ChannelsDraft {
  return {
    channels: Object.fromEntries(
      channels.map((channel) => {
        const rule = rules.channels[channel];
        const windows = rule.sendWindows.map((window, n) => ({
          n,
          days: window.days.map(String),
          start: window.start,
          end: window.end,
          remove: false,
        }));
        return [
          channel,
          { enabled: rule.enabled, dailyCap: capText(rule.dailyCap), weeklyCap: capText(rule.weeklyCap), windows },
        ];
      }),
    ) as Record<Channel, ChannelDraft>,
    globalWeeklyCap: capText(rules.globalWeeklyCap),
    highPriorityReserve: String(rules.highPriorityReserve),
  };
}

export function draftOfChannelsForm(form: FormData): ChannelsDraft {
  return {
    channels: Object.fromEntries(
      channels.map((channel) => [
        channel,
        {
          enabled: checked(form, `${channel}.enabled`),
          dailyCap: textOf(form, `${channel}.dailyCap`),
          weeklyCap: textOf(form, `${channel}.weeklyCap`),
          windows: rowNumbers(form, `${channel}.windows`).map((n) => {
            const name = (field: string) => `${channel}.windows.${n}.${field}`;
            return {
              n,
              days: allOf(form, name("days")),
              start: textOf(form, name("start")),
              end: textOf(form, name("end")),
              remove: checked(form, name("remove")),
            };
          }),
        },
      ]),
    ) as Record<Channel, ChannelDraft>,
    globalWeeklyCap: textOf(form, "globalWeeklyCap"),
    highPriorityReserve: textOf(form, "highPriorityReserve"),
  };
}

/** An empty cap field means no cap. */
const Cap = (max: number) =>
  z.preprocess(
    (value) => (typeof value === "string" ? (value.trim() === "" ? null : numberOf(value)) : value),
    z.number().int("integer").min(0).max(max).nullable(),
  );

const Time = z
  .string()
  .trim()
  .min(1, "windowPair")
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "time");

const WindowForm = z
  .object({
    days: z
      .array(z.coerce.number().int().min(1).max(7))
      .min(1, "windowDays")
      .transform((days) => [...new Set(days)].sort((a, b) => a - b)),
    start: Time,
    end: Time,
  })
  .refine((window) => window.start !== window.end, { path: ["end"], message: "windowSame" });

const ChannelForm = z.object({
  enabled: z.boolean(),
  dailyCap: Cap(100),
  weeklyCap: Cap(500),
  sendWindows: z.array(WindowForm).max(MAX_ROWS, "tooManyRows"),
});

const ChannelsForm = z.object({
  channels: z.object(
    Object.fromEntries(channels.map((channel) => [channel, ChannelForm])) as Record<Channel, typeof ChannelForm>,
  ),
  globalWeeklyCap: Cap(1000),
  highPriorityReserve: z.preprocess(
    (value) => (typeof value === "string" ? numberOf(value) : value),
    z.number().int("integer").min(0).max(100),
  ),
});

export function parseChannelsDraft(draft: ChannelsDraft, locale: Locale): Parsed<ChannelRules> {
  const kept = Object.fromEntries(
    channels.map((channel) => [
      channel,
      draft.channels[channel].windows.filter((window) => !window.remove && !isBlankWindow(window)),
    ]),
  ) as Record<Channel, WindowDraft[]>;
  const parsed = ChannelsForm.safeParse({
    channels: Object.fromEntries(
      channels.map((channel) => {
        const { enabled, dailyCap, weeklyCap } = draft.channels[channel];
        return [channel, { enabled, dailyCap, weeklyCap, sendWindows: kept[channel] }];
      }),
    ),
    globalWeeklyCap: draft.globalWeeklyCap,
    highPriorityReserve: draft.highPriorityReserve,
  });
  if (parsed.success) return { ok: true, data: parsed.data };
  const name = (path: PropertyKey[]) => {
    const [top, channel, field, index, inner] = path;
    if (top !== "channels") return inputName(path);
    if (field === "sendWindows" && typeof index === "number") {
      const window = kept[channel as Channel]?.[index];
      if (window) return `${String(channel)}.windows.${window.n}.${typeof inner === "string" ? inner : "days"}`;
    }
    return [channel, field].map(String).join(".");
  };
  return { ok: false, errors: settingsErrors(parsed.error, locale, name) };
}
