// Everything Mesure holds about one customer of one brand, as one document (GDPR art. 15 and
// 20): the portal serves it as JSON and as a readable HTML page. Every query is scoped by the
// brand and the customer, so nobody else's data can slip in.
//
// The JSON's field names are a stable contract (`format` changes if they ever do):
//   format            "mesure-export/1"
//   generatedAt       ISO 8601
//   brand             { slug, name }
//   fields            [{ field, value, purpose: {fr,en}, source, optional }] — externalId, email,
//                     phone, name, locale, timezone; source is api | import | portal | sms | cli |
//                     default | null (not recorded)
//   account           { createdAt, updatedAt }
//   preferences       the same document as GET /api/v1/customers/{id}/preferences, without `customer`
//   consentHistory    [{ seq, at, kind, subject, before, after, source, policyVersion,
//                       shownTextHash, visitorId, prevHash, hash }] oldest first; before/after decoded
//   messagesSent      [{ at, topic, channel, status, items }] newest first
//   messagesHeldBack  [{ at, topic, status, channel, reasons }] last 90 days, newest first
//   inbox             [{ at, topic, title, body, readAt }]
//   pushDevices       [{ userAgent, createdAt, lastUsedAt }] (never the push endpoint or keys)
//   visitorLinks      { count, createdAt: [ISO 8601] } (browsers where the cookie banner knows you)
//   portalSessions    [{ via, createdAt, expiresAt, revoked }]
//   suppressions      [{ kind, reason, since }] for the customer's current address and number
//   erasureRequests   [{ id, status, via, requestedAt, executeAt, deadlineAt, erasedAt,
//                       completedAt, cancelledAt }]
import { z } from "zod";
import type { Tx } from "~/db/client.server";
import { suppressionHash } from "~/decisions/snapshot-load.server";
import { fromJson } from "~/lib/json-column";
import { getCustomerFields } from "~/models/customer.server";
import { readPreferences } from "~/models/preferences-view.server";
import { listCustomerConsentEvents } from "./consent-receipt.server";
import { listErasureRequests } from "./erasure.server";
import { fieldDeclaration } from "./fields";

export const EXPORT_FORMAT = "mesure-export/1";
export const HELD_BACK_DAYS = 90;

const Reasons = z.array(z.string());

function decoded(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export async function exportCustomerData(db: Tx, owner: { brandId: string; customerId: string }, now = new Date()) {
  const { brandId, customerId } = owner;
  const scoped = { brandId, customerId };
  const [customer, brand] = await Promise.all([
    getCustomerFields(db, owner),
    db.brand.findUniqueOrThrow({ where: { id: brandId }, select: { slug: true, name: true } }),
  ]);
  const since = new Date(now.getTime() - HELD_BACK_DAYS * 86_400_000);
  const [preferences, events, deliveries, held, inbox, devices, links, sessions, erasures, suppressions] =
    await Promise.all([
      readPreferences(db, owner),
      listCustomerConsentEvents(db, owner),
      db.delivery.findMany({
        where: scoped,
        orderBy: { sentAt: "desc" },
        select: { sentAt: true, topicKey: true, channel: true, status: true, items: true },
      }),
      db.message.findMany({
        where: { ...scoped, createdAt: { gt: since }, status: { in: ["denied", "deferred", "digested", "queued"] } },
        orderBy: { createdAt: "desc" },
        select: {
          createdAt: true,
          status: true,
          topic: { select: { key: true } },
          events: { orderBy: { at: "desc" }, take: 1, select: { reasons: true, channel: true, at: true } },
        },
      }),
      db.inboxItem.findMany({
        where: scoped,
        orderBy: { createdAt: "desc" },
        select: { createdAt: true, topicKey: true, title: true, body: true, readAt: true },
      }),
      db.pushSubscription.findMany({
        where: scoped,
        orderBy: { createdAt: "asc" },
        select: { userAgent: true, createdAt: true, lastUsedAt: true },
      }),
      db.visitorLink.findMany({ where: scoped, orderBy: { createdAt: "asc" }, select: { createdAt: true } }),
      db.portalSession.findMany({
        where: scoped,
        orderBy: { createdAt: "asc" },
        select: { via: true, createdAt: true, expiresAt: true, revokedAt: true },
      }),
      listErasureRequests(db, owner),
      suppressionsOf(db, brandId, customer),
    ]);
  const { customer: _contact, ...choices } = preferences;
  return {
    format: EXPORT_FORMAT,
    generatedAt: now.toISOString(),
    brand: { slug: brand.slug, name: brand.name },
    fields: customer.fields.map(({ field, value, source }) => {
      const declaration = fieldDeclaration(field);
      return { field, value, purpose: declaration.purpose, source, optional: declaration.optional };
    }),
    account: { createdAt: customer.createdAt.toISOString(), updatedAt: customer.updatedAt.toISOString() },
    preferences: choices,
    consentHistory: events.map((event) => ({
      seq: event.seq,
      at: event.createdAt.toISOString(),
      kind: event.kind,
      subject: event.subject,
      before: decoded(event.before),
      after: decoded(event.after),
      source: event.source,
      policyVersion: event.policyVersion,
      shownTextHash: event.shownTextHash,
      visitorId: event.visitorId,
      prevHash: event.prevHash,
      hash: event.hash,
    })),
    messagesSent: deliveries.map((row) => ({
      at: row.sentAt.toISOString(),
      topic: row.topicKey,
      channel: row.channel,
      status: row.status,
      items: row.items,
    })),
    messagesHeldBack: held.map((row) => {
      const event = row.events[0];
      return {
        at: (event?.at ?? row.createdAt).toISOString(),
        topic: row.topic.key,
        status: row.status,
        channel: event?.channel ?? null,
        reasons: event ? fromJson(Reasons, event.reasons, "MessageEvent.reasons") : [],
      };
    }),
    inbox: inbox.map((row) => ({
      at: row.createdAt.toISOString(),
      topic: row.topicKey,
      title: row.title,
      body: row.body,
      readAt: row.readAt?.toISOString() ?? null,
    })),
    pushDevices: devices.map((row) => ({
      userAgent: row.userAgent,
      createdAt: row.createdAt.toISOString(),
      lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    })),
    visitorLinks: { count: links.length, createdAt: links.map((row) => row.createdAt.toISOString()) },
    portalSessions: sessions.map((row) => ({
      via: row.via,
      createdAt: row.createdAt.toISOString(),
      expiresAt: row.expiresAt.toISOString(),
      revoked: row.revokedAt !== null,
    })),
    suppressions,
    erasureRequests: erasures.map((row) => ({
      id: row.id,
      status: row.status,
      via: row.via,
      requestedAt: row.requestedAt.toISOString(),
      executeAt: row.executeAt.toISOString(),
      deadlineAt: row.deadlineAt.toISOString(),
      erasedAt: row.erasedAt?.toISOString() ?? null,
      completedAt: row.completedAt?.toISOString() ?? null,
      cancelledAt: row.cancelledAt?.toISOString() ?? null,
    })),
  };
}
export type CustomerExport = Awaited<ReturnType<typeof exportCustomerData>>;

/** Whether the customer's own address or number is on the brand's suppression list, and why. */
async function suppressionsOf(db: Tx, brandId: string, customer: { email: string | null; phone: string | null }) {
  const addresses = [
    ...(customer.email ? [{ kind: "email", value: customer.email }] : []),
    ...(customer.phone ? [{ kind: "phone", value: customer.phone }] : []),
  ];
  if (addresses.length === 0) return [];
  const rows = await db.suppression.findMany({
    where: {
      brandId,
      OR: addresses.map((address) => ({
        kind: address.kind,
        valueHash: suppressionHash(brandId, address.kind as "email" | "phone", address.value),
      })),
    },
    select: { kind: true, reason: true, createdAt: true },
  });
  return rows.map((row) => ({ kind: row.kind, reason: row.reason, since: row.createdAt.toISOString() }));
}

/** The file name: the brand's slug, "data", the day (UTC). */
export function exportFileName(brandSlug: string, extension: "json" | "html", now = new Date()): string {
  return `${brandSlug}-data-${now.toISOString().slice(0, 10)}.${extension}`;
}
