// POST /api/v1/messages/batch: up to 1000 messages in one call, answered in order; a bad item is
// answered in its place (with its HTTP status) and the others are accepted.
import type { ActionFunctionArgs } from "@remix-run/node";
import { requestHash } from "~/decisions/service.server";
import { validationError } from "~/lib/api/errors";
import { MessageBatchRequest, MessageRequest } from "~/lib/api/message-schemas";
import { apiRoute, idempotencyOf, json, jsonBodyText } from "~/lib/api/route.server";
import { enqueueMessages, intakeItem } from "~/scheduler/intake.server";
import { replay } from "./api.v1.messages";

const PATH = "/api/v1/messages/batch";

export function loader({ request, context }: ActionFunctionArgs) {
  return apiRoute(request, context, ["POST"], async () => json({}));
}

export function action({ request, context }: ActionFunctionArgs) {
  return apiRoute(request, context, ["POST"], async ({ brandId }) => {
    const { text, value } = await jsonBodyText(request, 8 * 1024 * 1024);
    const idempotency = idempotencyOf(request, requestHash("POST", PATH, text));
    const envelope = MessageBatchRequest.safeParse(value);
    if (!envelope.success) throw validationError(envelope.error);
    const items = envelope.data.items.map((item, index) => {
      const parsed = MessageRequest.safeParse(item);
      return parsed.success ? parsed.data : validationError(parsed.error, ["items", index]);
    });
    const result = await enqueueMessages(context.services, brandId, items, Date.now(), { shape: "batch", idempotency });
    if ("replay" in result) return replay(result.replay);
    return json({ results: result.map(intakeItem) }, 200);
  });
}
