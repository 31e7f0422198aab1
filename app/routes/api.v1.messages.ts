// POST /api/v1/messages: hand a message to Mesure's scheduler. Answers 202 with the message's id,
// its status and the decision taken at intake; the worker sends it when and how that allows.
import type { ActionFunctionArgs } from "@remix-run/node";
import { requestHash } from "~/decisions/service.server";
import { validationError } from "~/lib/api/errors";
import { MessageRequest } from "~/lib/api/message-schemas";
import { apiRoute, idempotencyOf, json, jsonBodyText } from "~/lib/api/route.server";
import { enqueueMessages, intakeBody } from "~/scheduler/intake.server";

export const MESSAGES_PATH = "/api/v1/messages";

export function loader({ request, context }: ActionFunctionArgs) {
  return apiRoute(request, context, ["POST"], async () => json({}));
}

export function action({ request, context }: ActionFunctionArgs) {
  return apiRoute(request, context, ["POST"], async ({ brandId }) => {
    const { text, value } = await jsonBodyText(request);
    const idempotency = idempotencyOf(request, requestHash("POST", MESSAGES_PATH, text));
    const parsed = MessageRequest.safeParse(value);
    if (!parsed.success) throw validationError(parsed.error);
    const result = await enqueueMessages(context.services, brandId, [parsed.data], Date.now(), {
      shape: "single",
      idempotency,
    });
    if ("replay" in result) return replay(result.replay);
    const outcome = result[0]!;
    return json(intakeBody(outcome), outcome.ok ? 202 : outcome.error.status);
  });
}

export function replay(previous: { status: number; body: string }): Response {
  return new Response(previous.body, {
    status: previous.status,
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Cache-Control": "no-store",
      "Idempotent-Replayed": "true",
    },
  });
}
