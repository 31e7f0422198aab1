// The banner's size budget, guarded by `npm test`: the built script (CSS included) stays within
// 8 KB minified and gzipped. bench/embed-size.ts compares it with other consent managers.
import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { buildEmbed } from "~/embed/build";

describe("the embed script", () => {
  it("builds to at most 8 KB gzipped, with no source map and no module syntax", async () => {
    const code = await buildEmbed({ write: false });
    const gzipped = zlib.gzipSync(code, { level: 9 }).length;
    expect(gzipped).toBeLessThanOrEqual(8192);
    expect(code).not.toMatch(/sourceMappingURL|^import |^export /m);
    // ES2019: no optional chaining or nullish coalescing left for older browsers to trip on.
    expect(code).not.toMatch(/\?\.[a-zA-Z_$(]|\?\?/);
  }, 30_000);
});
