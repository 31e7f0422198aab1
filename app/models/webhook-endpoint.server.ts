// A brand's webhook endpoints: URLs its own systems listen on for the events of
// app/webhooks/events.ts, each with the events it wants, an on/off switch and a signing secret
// shown once (at creation or rotation) and kept sealed. Every change is written to the audit log
// in its own transaction, never with the secret; a test event and a redelivery are posted at
// once and their outcome returned, for the console to show.
import { z } from "zod";
import type { Db, Tx } from "~/db/client.server";
import { isLoopbackHost, mayRegisterHost } from "~/lib/outbound.server";
import { recordAudit } from "~/models/audit.server";
import {
  deliverWebhook,
  leaseDelivery,
  type DeliveryOutcome,
  type WebhookDeliveryOptions,
} from "~/webhooks/delivery.server";
import { enqueueEvent } from "~/webhooks/emit.server";
import { readEventTypes, TEST_EVENT, WebhookEventType } from "~/webhooks/events";
import { newWebhookSecret } from "~/webhooks/secret.server";

/** A console call waits for the test's answer this long at most (the job's calls get 10 s). */
const DIRECT_TIMEOUT_MS = 10_000;
const DIRECT_LEASE_MS = 60_000;

/**
 * Where events go: https, or plain http to this machine (localhost, 127.x, [::1]) when Mesure
 * itself is served over http (PUBLIC_URL http://…: a local or test install, which is how
 * NODE_ENV can be told apart from a real deployment here, since tests run production builds).
 * No credentials in the URL: it is listed in clear, and the signature is the authentication.
 * No private or loopback address unless the operator allows them (app/lib/outbound.server.ts).
 * Messages are codes (see WebhookProblem); the console and the CLI word them.
 */
export function webhookUrl(publicUrl: string) {
  const local = publicUrl.startsWith("http:");
  return z
    .string()
    .trim()
    .min(1, "required")
    .max(2000, "tooLong")
    .refine((text) => URL.canParse(text), "url")
    .transform((text) => new URL(text))
    .refine((url) => url.protocol === "https:" || url.protocol === "http:", "url")
    .refine((url) => !url.username && !url.password, "credentials")
    .refine((url) => url.protocol === "https:" || (local && isLoopbackHost(url.hostname)), "https")
    .refine((url) => mayRegisterHost(url.hostname), "private")
    .transform((url) => url.toString());
}

/** The events an endpoint listens to: at least one, each known. */
export const WebhookEvents = z
  .array(WebhookEventType)
  .min(1, "events")
  .transform((types) => [...new Set(types)]);

export const WebhookDescription = z.string().trim().max(200, "tooLong").default("");

export function webhookEndpointInput(publicUrl: string) {
  return z.object({ url: webhookUrl(publicUrl), description: WebhookDescription, events: WebhookEvents });
}

/** What can be wrong with an endpoint's fields, as the codes the schemas above answer. */
export type WebhookProblem = "required" | "tooLong" | "url" | "credentials" | "https" | "private" | "events" | "choice";

/** Checks an endpoint's fields: the values, or a problem code per field (the first one found). */
export function parseWebhookEndpoint(
  input: { url: unknown; description: unknown; events: unknown },
  publicUrl: string,
): Parsed<{ url: string; description: string; events: WebhookEventType[] }> {
  return problemsOf(webhookEndpointInput(publicUrl).safeParse(input));
}

/**
 * Checks what an endpoint's edit form changes. Its address does not change there (the secret
 * belongs to it), so it is not judged again by rules that may have tightened since it was added:
 * deliveries are refused by the same rules anyway, and say so.
 */
export function parseWebhookChanges(input: {
  description: unknown;
  events: unknown;
}): Parsed<{ description: string; events: WebhookEventType[] }> {
  return problemsOf(z.object({ description: WebhookDescription, events: WebhookEvents }).safeParse(input));
}

type Parsed<T> = { ok: true; data: T } | { ok: false; problems: Record<string, WebhookProblem> };

function problemsOf<T>(parsed: z.ZodSafeParseResult<T>): Parsed<T> {
  if (parsed.success) return { ok: true, data: parsed.data };
  const problems: Record<string, WebhookProblem> = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? "url");
    problems[field] ??= (issue.code === "invalid_type" ? "required" : issue.message) as WebhookProblem;
  }
  return { ok: false, problems };
}

export type WebhookEndpointView = {
  id: string;
  url: string;
  description: string;
  events: WebhookEventType[];
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
};

const endpointSelect = {
  id: true,
  url: true,
  description: true,
  events: true,
  enabled: true,
  createdAt: true,
  updatedAt: true,
} as const;

function toView(row: { events: string } & Omit<WebhookEndpointView, "events">): WebhookEndpointView {
  return { ...row, events: readEventTypes(row.events) };
}

/** Who made a change, for the audit log: a member's email, or "cli". */
type Actor = { actor: string };

/** Creates an endpoint; its secret comes back this once. Input as parseWebhookEndpoint checked it. */
export async function createWebhookEndpoint(
  db: Db,
  serverSecret: string,
  input: Actor & { brandId: string; url: string; description: string; events: WebhookEventType[]; publicUrl: string },
): Promise<{ endpoint: WebhookEndpointView; secret: string }> {
  const fields = webhookEndpointInput(input.publicUrl).parse(input);
  const secret = newWebhookSecret(serverSecret);
  const endpoint = await db.$transaction(async (tx) => {
    const row = await tx.webhookEndpoint.create({
      data: {
        brandId: input.brandId,
        url: fields.url,
        description: fields.description,
        events: JSON.stringify(fields.events),
        secretCiphertext: secret.sealed,
      },
      select: endpointSelect,
    });
    await recordAudit(tx, {
      brandId: input.brandId,
      actor: input.actor,
      action: "webhook.create",
      target: row.url,
      detail: { id: row.id, events: fields.events, description: fields.description },
    });
    return toView(row);
  });
  return { endpoint, secret: secret.clear };
}

/** The brand's endpoints, oldest first, never their secrets. */
export async function listWebhookEndpoints(db: Tx, brandId: string): Promise<WebhookEndpointView[]> {
  const rows = await db.webhookEndpoint.findMany({
    where: { brandId },
    orderBy: { createdAt: "asc" },
    select: endpointSelect,
  });
  return rows.map(toView);
}

export async function getWebhookEndpoint(
  db: Tx,
  input: { brandId: string; id: string },
): Promise<WebhookEndpointView | null> {
  const row = await db.webhookEndpoint.findFirst({
    where: { id: input.id, brandId: input.brandId },
    select: endpointSelect,
  });
  return row ? toView(row) : null;
}

/** Per endpoint of the brand, how many of its events wait, were delivered, or were given up (last 30 days). */
export async function countWebhookDeliveries(
  db: Tx,
  brandId: string,
): Promise<Map<string, { pending: number; delivered: number; failed: number }>> {
  const groups = await db.webhookDelivery.groupBy({
    by: ["endpointId", "status"],
    where: { brandId },
    _count: { _all: true },
  });
  const counts = new Map<string, { pending: number; delivered: number; failed: number }>();
  for (const group of groups) {
    const entry = counts.get(group.endpointId) ?? { pending: 0, delivered: 0, failed: 0 };
    if (group.status === "pending" || group.status === "delivered" || group.status === "failed") {
      entry[group.status] += group._count._all;
    }
    counts.set(group.endpointId, entry);
  }
  return counts;
}

/**
 * Changes an endpoint's events, description or switch. Switched off, it is left out of new
 * events, and those already written for it wait until it is on again. Null when there is no such endpoint.
 */
export async function updateWebhookEndpoint(
  db: Db,
  input: Actor & {
    brandId: string;
    id: string;
    events?: WebhookEventType[];
    description?: string;
    enabled?: boolean;
  },
): Promise<WebhookEndpointView | null> {
  const changes = {
    ...(input.events !== undefined && { events: WebhookEvents.parse(input.events) }),
    ...(input.description !== undefined && { description: WebhookDescription.parse(input.description) }),
    ...(input.enabled !== undefined && { enabled: input.enabled }),
  };
  return db.$transaction(async (tx) => {
    const { count } = await tx.webhookEndpoint.updateMany({
      where: { id: input.id, brandId: input.brandId },
      data: {
        ...(changes.events && { events: JSON.stringify(changes.events) }),
        ...(changes.description !== undefined && { description: changes.description }),
        ...(changes.enabled !== undefined && { enabled: changes.enabled }),
      },
    });
    if (count === 0) return null;
    const row = await tx.webhookEndpoint.findFirstOrThrow({
      where: { id: input.id, brandId: input.brandId },
      select: endpointSelect,
    });
    const action =
      input.enabled !== undefined && input.events === undefined && input.description === undefined
        ? input.enabled
          ? "webhook.enable"
          : "webhook.disable"
        : "webhook.update";
    await recordAudit(tx, {
      brandId: input.brandId,
      actor: input.actor,
      action,
      target: row.url,
      detail: { id: row.id, ...changes },
    });
    return toView(row);
  });
}

/** A new signing secret, shown this once; the old one stops at once. Null when there is no such endpoint. */
export async function rotateWebhookSecret(
  db: Db,
  serverSecret: string,
  input: Actor & { brandId: string; id: string },
): Promise<string | null> {
  const secret = newWebhookSecret(serverSecret);
  return db.$transaction(async (tx) => {
    const { count } = await tx.webhookEndpoint.updateMany({
      where: { id: input.id, brandId: input.brandId },
      data: { secretCiphertext: secret.sealed },
    });
    if (count === 0) return null;
    const { url } = await tx.webhookEndpoint.findFirstOrThrow({
      where: { id: input.id, brandId: input.brandId },
      select: { url: true },
    });
    await recordAudit(tx, {
      brandId: input.brandId,
      actor: input.actor,
      action: "webhook.rotate_secret",
      target: url,
      detail: { id: input.id },
    });
    return secret.clear;
  });
}

/** Removes an endpoint and its events, sent or not. False when there is no such endpoint. */
export async function removeWebhookEndpoint(db: Db, input: Actor & { brandId: string; id: string }): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const row = await tx.webhookEndpoint.findFirst({
      where: { id: input.id, brandId: input.brandId },
      select: { id: true, url: true },
    });
    if (!row) return false;
    await tx.webhookEndpoint.delete({ where: { id: row.id }, select: { id: true } });
    await recordAudit(tx, {
      brandId: input.brandId,
      actor: input.actor,
      action: "webhook.remove",
      target: row.url,
      detail: { id: row.id },
    });
    return true;
  });
}

export type WebhookDeliveryView = {
  id: string;
  eventId: string;
  type: string;
  status: "pending" | "delivered" | "failed";
  attempts: number;
  nextAttemptAt: Date;
  lastAttemptAt: Date | null;
  lastStatus: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
  createdAt: Date;
};

/** An endpoint's most recent events, newest first (`take` at most 200). */
export async function listWebhookDeliveries(
  db: Tx,
  input: { brandId: string; endpointId: string; take?: number },
): Promise<WebhookDeliveryView[]> {
  const rows = await db.webhookDelivery.findMany({
    where: { brandId: input.brandId, endpointId: input.endpointId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: Math.min(Math.max(input.take ?? 50, 1), 200),
    select: {
      id: true,
      eventId: true,
      type: true,
      status: true,
      attempts: true,
      nextAttemptAt: true,
      lastAttemptAt: true,
      lastStatus: true,
      lastError: true,
      deliveredAt: true,
      createdAt: true,
    },
  });
  return rows.map((row) => ({ ...row, status: row.status as WebhookDeliveryView["status"] }));
}

/**
 * Posts a webhook.test event to the endpoint now (even switched off, or not listening to
 * anything yet: it is how a brand checks its receiver) and answers what happened. A test is
 * tried once, never retried. Null when there is no such endpoint.
 */
export async function sendTestWebhook(
  db: Db,
  serverSecret: string,
  input: Actor & { brandId: string; id: string; now?: Date; options?: WebhookDeliveryOptions },
): Promise<DeliveryOutcome | null> {
  const now = input.now ?? new Date();
  const deliveryId = await db.$transaction(async (tx) => {
    const endpoint = await tx.webhookEndpoint.findFirst({
      where: { id: input.id, brandId: input.brandId },
      select: { id: true, url: true },
    });
    if (!endpoint) return null;
    const eventId = await enqueueEvent(tx, {
      brandId: input.brandId,
      endpointIds: [endpoint.id],
      type: TEST_EVENT,
      data: { endpointId: endpoint.id, message: "A test event from Mesure's console: nothing changed." },
      now,
    });
    await recordAudit(tx, {
      brandId: input.brandId,
      actor: input.actor,
      action: "webhook.test",
      target: endpoint.url,
      detail: { id: endpoint.id, eventId },
    });
    const { id } = await tx.webhookDelivery.findFirstOrThrow({
      where: { brandId: input.brandId, eventId },
      select: { id: true },
    });
    return id;
  });
  if (!deliveryId) return null;
  return deliverNow(db, serverSecret, deliveryId, now, { ...input.options, ignoreEnabled: true });
}

/**
 * Sends a given-up event again, under the same webhook-id (a receiver that did take it after
 * all can tell) and with a fresh round of retries; posted now, and the outcome answered. Null when the brand has no such
 * event, or it is not given up.
 */
export async function redeliverWebhook(
  db: Db,
  serverSecret: string,
  input: Actor & {
    brandId: string;
    deliveryId: string;
    /** When given, only an event of this endpoint. */
    endpointId?: string;
    now?: Date;
    options?: WebhookDeliveryOptions;
  },
): Promise<DeliveryOutcome | null> {
  const now = input.now ?? new Date();
  const ok = await db.$transaction(async (tx) => {
    const { count } = await tx.webhookDelivery.updateMany({
      where: {
        id: input.deliveryId,
        brandId: input.brandId,
        status: "failed",
        ...(input.endpointId && { endpointId: input.endpointId }),
      },
      data: { status: "pending", attempts: 0, nextAttemptAt: now, leaseUntil: null },
    });
    if (count === 0) return false;
    const row = await tx.webhookDelivery.findFirstOrThrow({
      where: { id: input.deliveryId, brandId: input.brandId },
      select: { eventId: true, type: true, endpoint: { select: { id: true, url: true } } },
    });
    await recordAudit(tx, {
      brandId: input.brandId,
      actor: input.actor,
      action: "webhook.redeliver",
      target: row.endpoint.url,
      detail: { id: row.endpoint.id, eventId: row.eventId, type: row.type },
    });
    return true;
  });
  if (!ok) return null;
  return deliverNow(db, serverSecret, input.deliveryId, now, input.options ?? {});
}

async function deliverNow(
  db: Db,
  serverSecret: string,
  deliveryId: string,
  now: Date,
  options: WebhookDeliveryOptions & { ignoreEnabled?: boolean },
): Promise<DeliveryOutcome> {
  // Leased like the job's deliveries, so a job round at the same moment does not post it too.
  if (!(await leaseDelivery(db, deliveryId, now, DIRECT_LEASE_MS))) {
    return { outcome: "gone", status: null, error: null, nextAttemptAt: null };
  }
  return deliverWebhook(db, serverSecret, deliveryId, now, { timeoutMs: DIRECT_TIMEOUT_MS, ...options });
}
