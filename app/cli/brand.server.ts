// `mesure brand create|list|set|show`
import fs from "node:fs";
import type { Db } from "~/db/client.server";
import { zodIssues } from "~/lib/api/errors";
import {
  BrandInput,
  BrandSettings,
  createBrand,
  getBrandSettings,
  listBrands,
  SlugTakenError,
  updateBrandSettings,
} from "~/models/brand.server";
import { list, parse, required, UsageError, validate } from "./args";
import { brandFromSlug } from "./brand-lookup.server";

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
  if (action === "set") {
    const values = parse(argv, {
      brand: { type: "string" },
      "embed-origin": { type: "string", multiple: true },
      "cookie-config": { type: "string" },
      "privacy-email": { type: "string" },
      "erasure-grace-days": { type: "string" },
    });
    const brand = await brandFromSlug(db, required(values, "brand"));
    const origins = values["embed-origin"] as string[] | undefined;
    const file = values["cookie-config"] as string | undefined;
    const email = values["privacy-email"] as string | undefined;
    const days = values["erasure-grace-days"] as string | undefined;
    const input = {
      // --embed-origin replaces the list; one empty --embed-origin "" clears it.
      embedOrigins: origins?.filter((origin) => origin.trim() !== ""),
      cookieConfig: file === undefined ? undefined : readJsonFile(file),
      privacyEmail: email === undefined ? undefined : email.trim() === "" ? null : email,
      erasureGraceDays: days === undefined ? undefined : /^\d+$/.test(days.trim()) ? Number(days) : days,
    };
    if (Object.values(input).every((value) => value === undefined)) {
      throw new UsageError(
        "brand set needs at least one of --embed-origin, --cookie-config, --privacy-email, --erasure-grace-days",
      );
    }
    const parsed = BrandSettings.safeParse(input);
    if (!parsed.success) {
      const issue = zodIssues(parsed.error)[0]!;
      const [field, ...rest] = issue.path.split(".");
      const option = settingOptions[field as keyof typeof settingOptions] ?? `--${field}`;
      // Inside the cookie configuration, the path names the JSON field at fault; in a list of
      // origins, the value.
      const where =
        field === "cookieConfig" && rest.length
          ? ` ${rest.join(".")}`
          : field === "embedOrigins" && rest.length
            ? ` ${JSON.stringify(input.embedOrigins?.[Number(rest[0])])}`
            : "";
      throw new UsageError(`${option}${where} ${issue.message}`);
    }
    const settings = await updateBrandSettings(db, brand.id, parsed.data);
    out(`updated brand ${brand.slug}`);
    describeSettings(settings, out);
    return;
  }
  if (action === "show") {
    const values = parse(argv, { brand: { type: "string" } });
    const brand = await brandFromSlug(db, required(values, "brand"));
    describeSettings((await getBrandSettings(db, brand.id))!, out);
    return;
  }
  throw new UsageError(`brand takes "create", "list", "set" or "show", not ${JSON.stringify(action ?? "")}`);
}

const settingOptions = {
  embedOrigins: "--embed-origin",
  cookieConfig: "--cookie-config",
  privacyEmail: "--privacy-email",
  erasureGraceDays: "--erasure-grace-days",
};

function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new UsageError(`--cookie-config cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? "error"}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--cookie-config ${file} is not JSON: ${(error as Error).message}`);
  }
}

function describeSettings(settings: BrandSettings, out: (line: string) => void): void {
  out(`embed origins: ${settings.embedOrigins.join(" ") || "(none)"}`);
  out(`privacy email: ${settings.privacyEmail ?? "(none)"}`);
  out(`erasure grace days: ${settings.erasureGraceDays}`);
  out(
    `cookie policy version ${settings.cookieConfig.policyVersion}, categories: ${settings.cookieConfig.categories
      .map((category) => category.key)
      .join(", ")}`,
  );
  out(`cookie configuration: ${JSON.stringify(settings.cookieConfig)}`);
}
