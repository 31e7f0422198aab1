// The brand's colours as CSS variables, with a text colour chosen for contrast (WCAG AA,
// 4.5:1) so that no brand colour makes the portal unreadable.
import type { Theme } from "~/lib/vocabulary";

function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

export function contrast(a: string, b: string): number {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p) as [number, number];
  return (x + 0.05) / (y + 0.05);
}

const DEFAULT_PRIMARY = "#1f4d3a";

/** CSS for the portal: the brand colour, the text on it, and a version usable as text on white. */
export function themeCss(theme: Theme): string {
  const primary = theme.primaryColor ?? DEFAULT_PRIMARY;
  const onPrimary = contrast(primary, "#ffffff") >= 4.5 ? "#ffffff" : "#111111";
  // Links and focus rings sit on white: fall back to the default when the brand colour is too light.
  const ink = contrast(primary, "#ffffff") >= 4.5 ? primary : DEFAULT_PRIMARY;
  // The values are validated hex colours (Theme), so nothing else can reach this style sheet.
  return `:root{--brand:${primary};--on-brand:${onPrimary};--brand-ink:${ink}}`;
}
