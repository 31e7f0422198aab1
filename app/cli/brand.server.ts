// `mesure brand create|list`
import type { Db } from "~/db/client.server";
import { BrandInput, createBrand, listBrands, SlugTakenError } from "~/models/brand.server";
import { list, parse, required, UsageError, validate } from "./args";

export async function brandCommand(db: Db, [action, ...argv]: string[], out: (line: string) => void) {
  if (action === "create") {
    const values = parse(argv, {
      slug: { type: "string" },
      name: { type: "string" },
      locales: { type: "string" },
      timezone: { type: "string" },
      "embed-origin": { type: "string", multiple: true },
      "weekly-cap": { type: "string" },
    });
    const input = validate(
      BrandInput,
      {
        slug: required(values, "slug"),
        name: required(values, "name"),
        locales: list(values.locales),
        defaultTimezone: values.timezone,
        embedOrigins: values["embed-origin"],
        globalWeeklyCap: values["weekly-cap"] === undefined ? undefined : Number(values["weekly-cap"]),
      },
      { defaultTimezone: "--timezone", embedOrigins: "--embed-origin", globalWeeklyCap: "--weekly-cap" },
    );
    try {
      const brand = await createBrand(db, input);
      out(`created brand ${brand.slug} (${brand.name}), id ${brand.id}`);
    } catch (error) {
      if (error instanceof SlugTakenError) throw new UsageError(error.message);
      throw error;
    }
    return;
  }
  if (action === "list") {
    parse(argv, {});
    for (const brand of await listBrands(db)) {
      out(`${brand.slug}\t${brand.name}\t${brand.locales.join(",")}\t${brand.defaultTimezone}`);
    }
    return;
  }
  throw new UsageError(`brand takes "create" or "list", not ${JSON.stringify(action ?? "")}`);
}
