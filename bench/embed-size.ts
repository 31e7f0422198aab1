// The cookie banner's weight beside two consent managers from npm, measured in one run: raw,
// minified and gzip -9 sizes of each browser bundle with its CSS. Ours is built both ways (raw:
// bundled unminified; minified: exactly `npm run build:embed`, which it writes); theirs ship
// minified, so their raw and minified are the files as published. Exits 1 if ours is over its
// 8 KB gzipped budget. `npm run bench:embed-size`
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import zlib from "node:zlib";
import { buildEmbed, embedOutput } from "~/embed/build";

const BUDGET = 8192;
const require = createRequire(import.meta.url);
const packageDir = (name: string) => path.dirname(require.resolve(`${name}/package.json`));
const version = (name: string) =>
  (JSON.parse(fs.readFileSync(path.join(packageDir(name), "package.json"), "utf8")) as { version: string }).version;

type Entry = { name: string; files: string[]; raw: number; minified: number; gzipped: number };

function entry(name: string, files: string[], raw: string, minified: string): Entry {
  return {
    name,
    files: files.map((file) => path.relative(process.cwd(), file)),
    raw: Buffer.byteLength(raw),
    minified: Buffer.byteLength(minified),
    gzipped: zlib.gzipSync(minified, { level: 9 }).length,
  };
}

/** A published bundle: its files joined as a page would load them. */
function published(name: string, files: string[]): Entry {
  const text = files.map((file) => fs.readFileSync(file, "utf8")).join("\n");
  return entry(name, files, text, text);
}

const cookieconsent = packageDir("vanilla-cookieconsent");
const klaro = packageDir("klaro");
const entries = [
  entry("mesure embed/v1.js", [embedOutput], await buildEmbed({ write: false, minify: false }), await buildEmbed()),
  published(`vanilla-cookieconsent ${version("vanilla-cookieconsent")}`, [
    path.join(cookieconsent, "dist/cookieconsent.umd.js"),
    path.join(cookieconsent, "dist/cookieconsent.css"),
  ]),
  published(`klaro ${version("klaro")} (CSS inside)`, [path.join(klaro, "dist/klaro.js")]),
];

const ours = entries[0]!;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const header = ["bundle (JS + CSS)", "raw", "minified", "gzip -9", "gzip vs ours"];
const rows = entries.map((item) => [
  item.name,
  kb(item.raw),
  kb(item.minified),
  kb(item.gzipped),
  `${(item.gzipped / ours.gzipped).toFixed(1)}×`,
]);
const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
const line = (cells: string[]) =>
  cells.map((cell, column) => (column ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join("  ");
console.log(line(header));
for (const row of rows) console.log(line(row));
console.log("");
for (const item of entries) {
  console.log(`${item.name}: ${item.files.join(" + ")}: ${item.raw} / ${item.minified} / ${item.gzipped} bytes`);
}
if (ours.gzipped > BUDGET) {
  console.error(`embed/v1.js is over its budget: ${ours.gzipped} > ${BUDGET} bytes gzipped`);
  process.exit(1);
}
console.log(`embed/v1.js: ${ours.gzipped} of ${BUDGET} bytes gzipped`);
