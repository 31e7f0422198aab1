// GET and PATCH /api/v1/customers/{externalId}/preferences: brands keep Mesure in step with
// their own systems. A PATCH applies all its changes in one transaction, each with a consent
// event naming its source, or none of them; the next decision sees them.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { ApiError, errors } from "~/lib/api/errors";
import { apiRoute, json, jsonBody } from "~/lib/api/route.server";
import { PreferencesPatch } from "~/lib/api/schemas";
import { ExternalId, getCustomer } from "~/models/customer.server";
import { editPreferences, PreferenceRuleError } from "~/models/preferences.server";
import { readPreferences } from "~/models/preferences-view.server";
import { getTopic } from "~/models/topic.server";
import type { Db } from "~/db/client.server";

async function owner(db: Db, brandId: string, externalIdParam: string | undefined) {
  const parsed = ExternalId.safeParse(externalIdParam);
  const customer = parsed.success ? await getCustomer(db, { brandId, externalId: parsed.data }) : null;
  if (!customer) throw errors.notFound("externalId", `This brand has no customer "${externalIdParam}"`);
  return { brandId, customerId: customer.id };
}

export function loader({ request, params, context }: LoaderFunctionArgs) {
  return apiRoute(request, context, ["GET"], async ({ brandId }) => {
    const db = context.services.db;
    return json(await readPreferences(db, await owner(db, brandId, params.externalId)));
  });
}

export function action({ request, params, context }: ActionFunctionArgs) {
  return apiRoute(request, context, ["PATCH"], async ({ brandId }) => {
    const db = context.services.db;
    const who = await owner(db, brandId, params.externalId);
    const patch = await jsonBody(request, PreferencesPatch);
    // Topics are resolved before anything is written, so an unknown one changes nothing.
    const topicKeys = new Set(patch.subscriptions?.map((subscription) => subscription.topic) ?? []);
    const topics = new Map<string, NonNullable<Awaited<ReturnType<typeof getTopic>>>>();
    for (const key of topicKeys) {
      const topic = await getTopic(db, { brandId, key });
      if (!topic) {
        const index = patch.subscriptions!.findIndex((subscription) => subscription.topic === key);
        throw errors.notFound(`subscriptions.${index}.topic`, `This brand has no topic "${key}"`);
      }
      topics.set(key, topic);
    }
    try {
      await editPreferences(db, who, { source: patch.source, policyVersion: patch.policyVersion }, async (editor) => {
        for (const subscription of patch.subscriptions ?? []) {
          await editor.setSubscription({ ...subscription, topic: topics.get(subscription.topic)! });
        }
        for (const [channel, settings] of Object.entries(patch.channels ?? {})) {
          await editor.setChannelSettings(channel as never, {
            enabled: settings.enabled,
            dailyCap: settings.dailyCap,
            weeklyCap: settings.weeklyCap,
            ...(settings.quietHours !== undefined && {
              quietStart: settings.quietHours?.start ?? null,
              quietEnd: settings.quietHours?.end ?? null,
            }),
          });
        }
        const general = {
          ...(patch.pausedUntil !== undefined && {
            pausedUntil: patch.pausedUntil === null ? null : new Date(patch.pausedUntil),
          }),
          ...(patch.context && {
            contextMode: patch.context.mode,
            contextUntil: patch.context.until ? new Date(patch.context.until) : null,
            contextTopics: patch.context.topics ?? [],
          }),
          ...(patch.excludedTags && { excludedTags: patch.excludedTags }),
          ...(patch.globalWeeklyCap !== undefined && { globalWeeklyCap: patch.globalWeeklyCap }),
          ...(patch.digest && {
            digestHour: patch.digest.hour,
            ...(patch.digest.weekday && { digestWeekday: patch.digest.weekday }),
          }),
        };
        if (Object.keys(general).length) await editor.setGeneralSettings(general);
      });
    } catch (error) {
      if (error instanceof PreferenceRuleError) {
        const index =
          patch.subscriptions?.findIndex((subscription) => error.message.includes(`Topic ${subscription.topic} `)) ??
          -1;
        const path = index >= 0 ? `subscriptions.${index}.${error.path}` : error.path;
        throw new ApiError(422, "unprocessable", error.message, [{ path, message: error.message }]);
      }
      throw error;
    }
    return json(await readPreferences(db, who));
  });
}
