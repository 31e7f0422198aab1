// Builds the banner (app/embed/main.ts) into public/embed/v1.js: one minified IIFE for
// ES2019 browsers, no source map, no runtime dependency. `npm run build:embed`; `npm run build`
// runs it after Remix's build.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = path.resolve(import.meta.dirname, "../..");
export const embedOutput = path.join(root, "public/embed/v1.js");

/** The built script's text; written to public/embed/v1.js unless `write` is false (an
 * unminified build, for measuring, is never written). */
export async function buildEmbed(options: { write?: boolean; minify?: boolean } = {}): Promise<string> {
  const minify = options.minify !== false;
  const result = await build({
    entryPoints: [path.join(root, "app/embed/main.ts")],
    bundle: true,
    minify,
    format: "iife",
    target: "es2019",
    platform: "browser",
    sourcemap: false,
    legalComments: "none",
    write: false,
    logLevel: "silent",
  });
  const code = result.outputFiles[0]!.text;
  if (options.write !== false && minify) {
    fs.mkdirSync(path.dirname(embedOutput), { recursive: true });
    fs.writeFileSync(embedOutput, code);
  }
  return code;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const code = await buildEmbed();
  console.error(`embed: ${path.relative(root, embedOutput)} ${Buffer.byteLength(code)} bytes`);
}
