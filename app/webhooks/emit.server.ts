// Writing an event: one WebhookDelivery per enabled endpoint of the brand that listens to its
// type, all under one event id, written inside the transaction of the change it tells of, so an
// event exists if and only if its change committed (an outbox: the delivery job posts it later).
// A brand without endpoints costs one indexed query per transaction, and nothing else.
import crypto from "node:crypto";
import type { Db, Tx } from "~/db/client.server";
import {
  readEventTypes,
  webhookBody,
  type AnyWebhookEventType,
  type CustomerRef,
  type WebhookEventData,
  type WebhookEventType,
} from "./events";
import { wakeUpWebhooksSoon } from "./wake.server";

/** An event's data but the brand, which the emitter adds. */
export type EventInput<T extends AnyWebhookEventType> = Omit<WebhookEventData[T], "brand">;

type Endpoint = { id: string; types: WebhookEventType[] };
/** What one transaction has looked up already: the same answers for every event it writes. */
type Lookups = {
  endpoints: Map<string, Promise<Endpoint[]>>;
  brands: Map<string, Promise<string>>;
  customers: Map<string, Promise<CustomerRef | null>>;
};

const lookups = new WeakMap<object, Lookups>();

/**
 * The lookups of `client`'s transaction. A transaction's client is remembered (an edit of ten
 * subscriptions writes ten ledger entries and asks once); the process-wide client is not, since
 * endpoints may change between two of its statements.
 */
function lookupsOf(client: Tx | Db): Lookups {
  const fresh = (): Lookups => ({ endpoints: new Map(), brands: new Map(), customers: new Map() });
  if ("$transaction" in client) return fresh();
  let found = lookups.get(client);
  if (!found) lookups.set(client, (found = fresh()));
  return found;
}

function remember<T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let pending = cache.get(key);
  if (!pending) cache.set(key, (pending = load()));
  return pending;
}

function endpointsOf(tx: Tx, brandId: string): Promise<Endpoint[]> {
  return remember(lookupsOf(tx).endpoints, brandId, async () => {
    const rows = await tx.webhookEndpoint.findMany({
      where: { brandId, enabled: true },
      select: { id: true, events: true },
    });
    return rows.map((row) => ({ id: row.id, types: readEventTypes(row.events) }));
  });
}

/** Whether any enabled endpoint of the brand listens to one of `types` (a cheap check before building data). */
export async function anyEndpointFor(tx: Tx, brandId: string, types: WebhookEventType[]): Promise<boolean> {
  return (await endpointsOf(tx, brandId)).some((endpoint) => endpoint.types.some((type) => types.includes(type)));
}

/** The customer as the brand knows them; null for one erased (their id is gone). */
export function customerRef(tx: Tx, brandId: string, customerId: string): Promise<CustomerRef | null> {
  return remember(lookupsOf(tx).customers, customerId, async () => {
    const row = await tx.customer.findFirst({
      where: { id: customerId, brandId, erasedAt: null },
      select: { externalId: true },
    });
    return row ? { externalId: row.externalId } : null;
  });
}

function brandSlug(tx: Tx, brandId: string): Promise<string> {
  return remember(lookupsOf(tx).brands, brandId, async () => {
    const row = await tx.brand.findUniqueOrThrow({ where: { id: brandId }, select: { slug: true } });
    return row.slug;
  });
}

/** When an event happened, and the customer it names (by Mesure's id), if any. */
export type EventContext = { at: Date; customerId: string | null };

/**
 * Writes `type` for every enabled endpoint of the brand subscribed to it; its id, or null when
 * none listens. `data` may be a function, called only when someone listens (it may then look
 * things up), and answering null to send nothing after all.
 */
export async function emitWebhookEvent<T extends WebhookEventType>(
  tx: Tx,
  brandId: string,
  type: T,
  data: EventInput<T> | (() => Promise<EventInput<T> | null>),
  context: EventContext,
): Promise<string | null> {
  const listening = (await endpointsOf(tx, brandId)).filter((endpoint) => endpoint.types.includes(type));
  if (listening.length === 0) return null;
  const input = typeof data === "function" ? await data() : data;
  if (!input) return null;
  return enqueueEvent(tx, {
    brandId,
    endpointIds: listening.map((endpoint) => endpoint.id),
    type,
    data: input,
    now: context.at,
    customerId: context.customerId,
  });
}

/**
 * Writes one event for the given endpoints of the brand (the console's test goes to one, whatever
 * it listens to). `customerId` is kept beside the payload so that an erasure finds the events
 * naming the person by index (app/webhooks/forget.server.ts).
 */
export async function enqueueEvent<T extends AnyWebhookEventType>(
  tx: Tx,
  input: {
    brandId: string;
    endpointIds: string[];
    type: T;
    data: EventInput<T>;
    now: Date;
    customerId?: string | null;
  },
): Promise<string> {
  const { brandId, endpointIds, type, now } = input;
  const data = { brand: await brandSlug(tx, brandId), ...input.data } as WebhookEventData[T];
  const eventId = `evt_${crypto.randomBytes(16).toString("base64url")}`;
  const payload = webhookBody(type, data, now);
  await tx.webhookDelivery.createMany({
    data: endpointIds.map((endpointId) => ({
      brandId,
      endpointId,
      eventId,
      type,
      payload,
      customerId: input.customerId ?? null,
      nextAttemptAt: now,
      createdAt: now,
    })),
  });
  wakeUpWebhooksSoon();
  return eventId;
}
