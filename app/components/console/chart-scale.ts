// The arithmetic behind the console's charts: round axis maxima and ticks, which day labels fit,
// and a palette whose colours each reach 3:1 against the page (WCAG 1.4.11) and also differ by
// pattern, dash and marker, so no series is told apart by colour alone. Pure.
import type { Locale } from "~/lib/vocabulary";

/** An axis from 0 to a round maximum (1, 2, 2.5 or 5 times a power of ten) at or above `max`. */
export function niceScale(max: number, tickCount = 4): { max: number; step: number; ticks: number[] } {
  if (!(max > 0)) return { max: 1, step: 1, ticks: [0, 1] };
  const rough = max / tickCount;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((factor) => factor * power).find((candidate) => candidate >= rough)!;
  // Counts are whole: a step below 1 would label the axis 0.25, 0.5…
  const whole = max >= 1 && step < 1 ? 1 : step;
  const top = Math.ceil(max / whole) * whole;
  const ticks: number[] = [];
  for (let value = 0; value <= top + whole / 2; value += whole) ticks.push(Number(value.toFixed(6)));
  return { max: top, step: whole, ticks };
}

/** Every how many bars or points an x label is written, so at most `room` labels show. */
export function labelEvery(count: number, room = 10): number {
  return Math.max(1, Math.ceil(count / room));
}

/** Whether the x label at `index` is written: the last always ("today" is the one people look
 * for), the others every few, skipping one that would crowd the last. */
export function showsLabel(index: number, count: number, room = 10): boolean {
  const every = labelEvery(count, room);
  const last = count - 1;
  return index === last || (index % every === 0 && last - index >= every);
}

const shortDays = new Map<Locale, Intl.DateTimeFormat>();
/** "23 nov." / "23 Nov" for a UTC day "2026-11-23". */
export function shortDay(day: string, locale: Locale): string {
  let format = shortDays.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(locale === "fr" ? "fr-FR" : "en-GB", {
      day: "numeric",
      month: "short",
      timeZone: "UTC",
    });
    shortDays.set(locale, format);
  }
  return format.format(new Date(`${day}T00:00:00Z`));
}

export function formatCount(value: number, locale: Locale): string {
  return new Intl.NumberFormat(locale === "fr" ? "fr-FR" : "en-GB").format(value);
}

/** 0.423 → "42 %" (fr) / "42%" (en). */
export function formatShare(value: number, locale: Locale): string {
  return new Intl.NumberFormat(locale === "fr" ? "fr-FR" : "en-GB", {
    style: "percent",
    maximumFractionDigits: 0,
  }).format(value);
}

export type Pattern = "solid" | "diagonal" | "dots" | "cross" | "horizontal" | "vertical";
export type Marker = "circle" | "square" | "triangle" | "diamond" | "cross" | "ring";
export type Tone = { colour: string; pattern: Pattern; dash: string; marker: Marker };

/** Series styles in order: colour, bar pattern, line dash and point marker all differ. */
export const TONES: readonly Tone[] = [
  { colour: "#1f4d3a", pattern: "solid", dash: "", marker: "circle" },
  { colour: "#1a5fb4", pattern: "diagonal", dash: "8 4", marker: "square" },
  { colour: "#8a5300", pattern: "dots", dash: "2 3", marker: "triangle" },
  { colour: "#b3261e", pattern: "cross", dash: "10 3 2 3", marker: "diamond" },
  { colour: "#6b3fa0", pattern: "horizontal", dash: "4 4", marker: "cross" },
  { colour: "#00707a", pattern: "vertical", dash: "12 6", marker: "ring" },
];

export function toneAt(index: number): Tone {
  return TONES[index % TONES.length]!;
}

/** WCAG relative luminance of "#rrggbb". */
function luminance(hex: string): number {
  const channels = [1, 3, 5].map((start) => parseInt(hex.slice(start, start + 2), 16) / 255);
  const [r, g, b] = channels.map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)) as [
    number,
    number,
    number,
  ];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio between two "#rrggbb" colours (1 to 21). */
export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}
