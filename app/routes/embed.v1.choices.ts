// POST /embed/v1/choices: the banner records a visitor's choice. The body is JSON sent as
// text/plain (no preflight); the brand named in it decides which sites may call. Answers 201
// with the choice as stored, 409 with the current configuration when the banner showed an
// older policy version, 400 naming each bad field.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { ApiError, errors, validationError } from "~/lib/api/errors";
import { embedJsonBody, embedRoute } from "~/lib/api/embed-route.server";
import { EmbedChoiceRequest } from "~/lib/api/embed-schemas";
import { Slug } from "~/lib/vocabulary";
import { getEmbedBrand } from "~/models/brand.server";
import { bannerConfig, recordCookieChoice } from "~/privacy/cookie-consent.server";

const METHODS = ["POST"];

export function loader({ request, context }: LoaderFunctionArgs) {
  // GET, HEAD and OPTIONS land here: OPTIONS is the preflight, the others are refused.
  return embedRoute(request, context, METHODS, async () => new Response(null));
}

export function action({ request, context }: ActionFunctionArgs) {
  return embedRoute(request, context, METHODS, async (cors) => {
    const value = await embedJsonBody(request);
    const { db } = context.services;
    // The brand first: it says which sites may call, and the answer to a bad body from one of
    // them must be readable by its script.
    const slug = Slug.safeParse((value as { brand?: unknown } | null)?.brand);
    const brand = slug.success ? await getEmbedBrand(db, slug.data) : null;
    if (slug.success && !brand) throw errors.notFound("brand", `No brand "${slug.data}"`);
    if (brand) cors.allow(brand);
    const parsed = EmbedChoiceRequest.safeParse(value);
    if (!parsed.success) throw validationError(parsed.error);
    const body = parsed.data;
    const config = brand!.cookieConfig;

    const gpc = body.gpc || request.headers.get("sec-gpc")?.trim() === "1";
    // First: under another policy the categories may differ too, and the banner must ask again.
    if (body.policyVersion !== config.policyVersion) {
      const message = `The banner showed policy version ${body.policyVersion}; the current one is ${config.policyVersion}: show it and ask again`;
      const answer = await bannerConfig(db, { brand: brand!, visitorId: body.visitor, gpc });
      return Response.json(
        {
          error: {
            code: "policy_changed",
            message,
            issues: [{ path: "policyVersion", message: `must be ${config.policyVersion}` }],
          },
          config: answer,
        },
        { status: 409, headers: { "Cache-Control": "no-store" } },
      );
    }
    const known = new Set(config.categories.map((category) => category.key));
    const unknown = Object.keys(body.categories).filter((key) => !known.has(key));
    if (unknown.length) {
      const issues = unknown.map((key) => ({
        path: `categories.${key}`,
        message: `is not a category of this brand's banner (${[...known].join(", ")})`,
      }));
      throw new ApiError(
        400,
        "invalid_request",
        `The request is not valid: ${issues[0]!.path} ${issues[0]!.message}`,
        issues,
      );
    }
    const choice = await recordCookieChoice(db, {
      brandId: brand!.id,
      config,
      visitorId: body.visitor,
      locale: body.locale,
      method: body.method,
      categories: body.categories,
      gpc,
      source: "banner",
    });
    return Response.json({ choice }, { status: 201, headers: { "Cache-Control": "no-store" } });
  });
}
