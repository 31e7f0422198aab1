// Charts drawn on the server as SVG (no script, nothing to load): stacked bars by day, lines of
// rates over time, horizontal bars. Each is an image with a title and a description for screen
// readers, series that differ by pattern, dash and marker as well as colour, a legend, and its
// figures in a table under a <details> for anyone who prefers the numbers.
import type { ReactNode } from "react";
import { bilingual } from "~/lib/bilingual";
import type { Locale } from "~/lib/vocabulary";
import { formatCount, formatShare, niceScale, showsLabel, toneAt, type Marker, type Tone } from "./chart-scale";

const text = bilingual(
  { figures: "Les chiffres (tableau)", total: "Total", empty: "Aucune donnée sur cette période", none: "—" },
  { figures: "The figures (table)", total: "Total", empty: "No data in this period", none: "—" },
);

export type ChartSeries = { key: string; label: string };
/** `note` follows the label in the table only (a code, a key): the drawing has no room for it. */
export type ChartRow = { label: string; note?: string; values: Record<string, number | null> };

type ChartProps = {
  /** Unique on the page: the SVG's ids (title, patterns) derive from it. */
  id: string;
  title: string;
  /** What the chart shows, in a sentence or two: read out instead of the drawing. */
  desc: string;
  locale: Locale;
  series: ChartSeries[];
  rows: ChartRow[];
  /** The header of the table's first column ("Day", "Reason"…). */
  rowHeader: string;
};

const WIDTH = 640;
const INK = "#1b1f1d";
const MUTED = "#4a524e";
const GRID = "#d9d6cf";

function PatternDefs({ id, count }: { id: string; count: number }) {
  return (
    <defs>
      {Array.from({ length: count }, (_, index) => {
        const tone = toneAt(index);
        return (
          <pattern key={index} id={`${id}-p${index}`} patternUnits="userSpaceOnUse" width="6" height="6">
            <rect width="6" height="6" fill={tone.colour} />
            <PatternMarks tone={tone} />
          </pattern>
        );
      })}
    </defs>
  );
}

function PatternMarks({ tone }: { tone: Tone }) {
  const line = { stroke: "#ffffff", strokeWidth: 1.2 };
  switch (tone.pattern) {
    case "diagonal":
      return <path d="M-1,1 l2,-2 M0,6 l6,-6 M5,7 l2,-2" {...line} />;
    case "dots":
      return <circle cx="3" cy="3" r="1.2" fill="#ffffff" />;
    case "cross":
      return <path d="M0,3 h6 M3,0 v6" {...line} />;
    case "horizontal":
      return <path d="M0,3 h6" {...line} />;
    case "vertical":
      return <path d="M3,0 v6" {...line} />;
    default:
      return null;
  }
}

function MarkerShape({
  marker,
  x,
  y,
  size,
  colour,
}: {
  marker: Marker;
  x: number;
  y: number;
  size: number;
  colour: string;
}) {
  const s = size;
  switch (marker) {
    case "square":
      return <rect x={x - s} y={y - s} width={s * 2} height={s * 2} fill={colour} />;
    case "triangle":
      return (
        <path
          d={`M${x},${y - s * 1.2} L${x + s * 1.1},${y + s * 0.9} L${x - s * 1.1},${y + s * 0.9} Z`}
          fill={colour}
        />
      );
    case "diamond":
      return (
        <path
          d={`M${x},${y - s * 1.3} L${x + s * 1.3},${y} L${x},${y + s * 1.3} L${x - s * 1.3},${y} Z`}
          fill={colour}
        />
      );
    case "cross":
      return (
        <path
          d={`M${x - s},${y - s} L${x + s},${y + s} M${x - s},${y + s} L${x + s},${y - s}`}
          stroke={colour}
          strokeWidth={2}
        />
      );
    case "ring":
      return <circle cx={x} cy={y} r={s} fill="#ffffff" stroke={colour} strokeWidth={2} />;
    default:
      return <circle cx={x} cy={y} r={s} fill={colour} />;
  }
}

/** The SVG frame every chart shares: an image named by its title and described by its desc. */
function ChartSvg({
  id,
  title,
  desc,
  height,
  width = WIDTH,
  children,
}: {
  id: string;
  title: string;
  desc: string;
  height: number;
  width?: number;
  children: ReactNode;
}) {
  return (
    <svg
      className={width === WIDTH ? "chart-svg" : "chart-svg horizontal"}
      role="img"
      aria-labelledby={`${id}-title ${id}-desc`}
      viewBox={`0 0 ${width} ${height}`}
      width={width}
      height={height}
      preserveAspectRatio="xMinYMin meet"
      fontSize="12"
      fontFamily="system-ui, sans-serif"
    >
      <title id={`${id}-title`}>{title}</title>
      <desc id={`${id}-desc`}>{desc}</desc>
      {children}
    </svg>
  );
}

function Legend({ id, series, kind }: { id: string; series: ChartSeries[]; kind: "fill" | "line" }) {
  if (series.length < 2 && kind === "fill") return null;
  return (
    <ul className="chart-legend">
      {series.map((entry, index) => {
        const tone = toneAt(index);
        return (
          <li key={entry.key}>
            <svg width="28" height="14" aria-hidden="true" focusable="false">
              {kind === "fill" ? (
                <rect
                  x="7"
                  y="1"
                  width="14"
                  height="12"
                  fill={`url(#${id}-p${index})`}
                  stroke={INK}
                  strokeWidth="0.5"
                />
              ) : (
                <>
                  <line
                    x1="0"
                    y1="7"
                    x2="28"
                    y2="7"
                    stroke={tone.colour}
                    strokeWidth="2.5"
                    strokeDasharray={tone.dash}
                  />
                  <MarkerShape marker={tone.marker} x={14} y={7} size={3.5} colour={tone.colour} />
                </>
              )}
            </svg>
            {entry.label}
          </li>
        );
      })}
    </ul>
  );
}

function Figures({
  title,
  locale,
  series,
  rows,
  rowHeader,
  total,
  share,
}: Pick<ChartProps, "title" | "locale" | "series" | "rows" | "rowHeader"> & { total: boolean; share: boolean }) {
  const t = text[locale];
  const show = (value: number | null | undefined) =>
    value === null || value === undefined ? t.none : share ? formatShare(value, locale) : formatCount(value, locale);
  return (
    <details className="chart-figures">
      <summary>{t.figures}</summary>
      <div className="table-scroll">
        <table className="table">
          <caption>{title}</caption>
          <thead>
            <tr>
              <th scope="col">{rowHeader}</th>
              {series.map((entry) => (
                <th scope="col" className="number" key={entry.key}>
                  {entry.label}
                </th>
              ))}
              {total ? (
                <th scope="col" className="number">
                  {t.total}
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, index) => (
              <tr key={`${row.label}-${index}`}>
                <th scope="row">
                  {row.label}
                  {row.note ? <span className="muted"> ({row.note})</span> : null}
                </th>
                {series.map((entry) => (
                  <td className="number" key={entry.key}>
                    {show(row.values[entry.key])}
                  </td>
                ))}
                {total ? <td className="number">{show(sumOf(row, series))}</td> : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

function sumOf(row: ChartRow, series: ChartSeries[]): number {
  return series.reduce((sum, entry) => sum + (row.values[entry.key] ?? 0), 0);
}

const VERTICAL = { top: 18, right: 12, bottom: 34, left: 52, height: 260 };

function YAxis({
  ticks,
  scale,
  label,
}: {
  ticks: number[];
  scale: (value: number) => number;
  label: (value: number) => string;
}) {
  return (
    <g>
      {ticks.map((tick) => (
        <g key={tick}>
          <line x1={VERTICAL.left} x2={WIDTH - VERTICAL.right} y1={scale(tick)} y2={scale(tick)} stroke={GRID} />
          <text x={VERTICAL.left - 6} y={scale(tick) + 4} textAnchor="end" fill={MUTED}>
            {label(tick)}
          </text>
        </g>
      ))}
    </g>
  );
}

function XLabels({ rows, x }: { rows: ChartRow[]; x: (index: number) => number }) {
  return (
    <g>
      {rows.map((row, index) =>
        showsLabel(index, rows.length) ? (
          <text key={index} x={x(index)} y={VERTICAL.height - VERTICAL.bottom + 16} textAnchor="middle" fill={MUTED}>
            {row.label}
          </text>
        ) : null,
      )}
    </g>
  );
}

function Empty({ locale, x, y }: { locale: Locale; x: number; y: number }) {
  return (
    <text x={x} y={y} textAnchor="middle" fill={MUTED} fontSize="14">
      {text[locale].empty}
    </text>
  );
}

/** Bars per row (a day), one segment per series, stacked from the axis up. */
export function StackedBarChart(props: ChartProps) {
  const { id, title, desc, locale, series, rows } = props;
  const { top, bottom, left, right, height } = VERTICAL;
  const totals = rows.map((row) => sumOf(row, series));
  const axis = niceScale(Math.max(0, ...totals));
  const plotHeight = height - top - bottom;
  const y = (value: number) => top + plotHeight - (value / axis.max) * plotHeight;
  const band = (WIDTH - left - right) / Math.max(1, rows.length);
  const barWidth = Math.max(2, band * 0.72);
  const x = (index: number) => left + band * index + band / 2;
  return (
    <figure className="chart">
      <ChartSvg id={id} title={title} desc={desc} height={height}>
        <PatternDefs id={id} count={series.length} />
        <YAxis ticks={axis.ticks} scale={y} label={(value) => formatCount(value, locale)} />
        {rows.map((row, index) => {
          let base = 0;
          return (
            <g key={index}>
              {series.map((entry, position) => {
                const value = row.values[entry.key] ?? 0;
                if (value <= 0) return null;
                const segment = (
                  <rect
                    key={entry.key}
                    x={x(index) - barWidth / 2}
                    y={y(base + value)}
                    width={barWidth}
                    height={Math.max(0.5, y(base) - y(base + value))}
                    fill={`url(#${id}-p${position})`}
                    stroke="#ffffff"
                    strokeWidth={band > 8 ? 1 : 0}
                  />
                );
                base += value;
                return segment;
              })}
              {rows.length <= 14 && totals[index]! > 0 ? (
                <text x={x(index)} y={y(totals[index]!) - 4} textAnchor="middle" fill={INK}>
                  {formatCount(totals[index]!, locale)}
                </text>
              ) : null}
            </g>
          );
        })}
        <line x1={left} x2={WIDTH - right} y1={y(0)} y2={y(0)} stroke={INK} />
        <XLabels rows={rows} x={x} />
        {totals.every((total) => total === 0) ? <Empty locale={locale} x={WIDTH / 2} y={top + plotHeight / 2} /> : null}
      </ChartSvg>
      <Legend id={id} series={series} kind="fill" />
      <Figures {...props} total={series.length > 1} share={false} />
    </figure>
  );
}

/** One line per series over the rows (days); values are shares from 0 to 1; null leaves a gap. */
export function LineChart(props: ChartProps) {
  const { id, title, desc, locale, series, rows } = props;
  const { top, bottom, left, right, height } = VERTICAL;
  const plotHeight = height - top - bottom;
  const y = (value: number) => top + plotHeight - value * plotHeight;
  const step = (WIDTH - left - right) / Math.max(1, rows.length);
  const x = (index: number) => left + step * index + step / 2;
  const markerSize = rows.length > 31 ? 2.5 : 3.5;
  const anyValue = rows.some((row) => series.some((entry) => row.values[entry.key] != null));
  return (
    <figure className="chart">
      <ChartSvg id={id} title={title} desc={desc} height={height}>
        <YAxis ticks={[0, 0.25, 0.5, 0.75, 1]} scale={y} label={(value) => formatShare(value, locale)} />
        <line x1={left} x2={WIDTH - right} y1={y(0)} y2={y(0)} stroke={INK} />
        {series.map((entry, position) => {
          const tone = toneAt(position);
          // A day without a value breaks the line: joining across it would invent a trend.
          let path = "";
          let pen = false;
          rows.forEach((row, index) => {
            const value = row.values[entry.key];
            if (value == null) {
              pen = false;
              return;
            }
            path += `${pen ? "L" : "M"}${x(index).toFixed(1)},${y(value).toFixed(1)} `;
            pen = true;
          });
          return (
            <g key={entry.key}>
              {path ? (
                <path d={path.trim()} fill="none" stroke={tone.colour} strokeWidth={2.5} strokeDasharray={tone.dash} />
              ) : null}
              {rows.map((row, index) => {
                const value = row.values[entry.key];
                return value == null ? null : (
                  <MarkerShape
                    key={index}
                    marker={tone.marker}
                    x={x(index)}
                    y={y(value)}
                    size={markerSize}
                    colour={tone.colour}
                  />
                );
              })}
            </g>
          );
        })}
        <XLabels rows={rows} x={x} />
        {anyValue ? null : <Empty locale={locale} x={WIDTH / 2} y={top + plotHeight / 2} />}
      </ChartSvg>
      <Legend id={id} series={series} kind="line" />
      <Figures {...props} total={false} share={true} />
    </figure>
  );
}

// Narrower than the others: drawn at its own size in a half-width card.
const HORIZONTAL = { width: 440, top: 8, rowHeight: 28, labelWidth: 190, valueWidth: 44, bottom: 8 };

function clip(label: string, max = 26): string {
  return label.length > max ? `${label.slice(0, max - 1)}…` : label;
}

/** One bar per row (a reason, a topic), segments per series when there are several. */
export function HorizontalBarChart(props: ChartProps) {
  const { id, title, desc, locale, series, rows } = props;
  const { width, top, rowHeight, labelWidth, valueWidth, bottom } = HORIZONTAL;
  const height = top + Math.max(1, rows.length) * rowHeight + bottom;
  const totals = rows.map((row) => sumOf(row, series));
  const axis = niceScale(Math.max(0, ...totals));
  const start = labelWidth + 8;
  const span = width - start - valueWidth;
  const w = (value: number) => (value / axis.max) * span;
  return (
    <figure className="chart">
      <ChartSvg id={id} title={title} desc={desc} height={height} width={width}>
        <PatternDefs id={id} count={series.length} />
        {rows.map((row, index) => {
          const y = top + index * rowHeight;
          let base = 0;
          return (
            <g key={index}>
              <text x={labelWidth} y={y + rowHeight / 2 + 4} textAnchor="end" fill={INK}>
                {clip(row.label)}
              </text>
              {series.map((entry, position) => {
                const value = row.values[entry.key] ?? 0;
                if (value <= 0) return null;
                const segment = (
                  <rect
                    key={entry.key}
                    x={start + w(base)}
                    y={y + 5}
                    width={Math.max(0.5, w(value))}
                    height={rowHeight - 10}
                    fill={`url(#${id}-p${position})`}
                    stroke="#ffffff"
                    strokeWidth={1}
                  />
                );
                base += value;
                return segment;
              })}
              <text x={start + w(totals[index]!) + 6} y={y + rowHeight / 2 + 4} fill={INK}>
                {formatCount(totals[index]!, locale)}
              </text>
            </g>
          );
        })}
        <line x1={start} x2={start} y1={top} y2={height - bottom} stroke={INK} />
        {rows.length === 0 ? <Empty locale={locale} x={width / 2} y={top + rowHeight / 2 + 4} /> : null}
      </ChartSvg>
      <Legend id={id} series={series} kind="fill" />
      <Figures {...props} total={series.length > 1} share={false} />
    </figure>
  );
}
