// What the console's Connectors page does to a brand's erasure connectors: each change with its
// audit entry in one transaction (never the signing secret), and the "send test" call, signed as
// real erasure calls are, so a brand can check its receiver before a real request depends on it.
import crypto from "node:crypto";
import { transact } from "~/db/changes.server";
import type { Db } from "~/db/client.server";
import { recordAudit } from "~/models/audit.server";
import {
  connectorCallTarget,
  createConnector,
  removeConnectorIn,
  rotateConnectorSecret,
  setConnectorEnabled,
  type ConnectorView,
} from "~/models/connector.server";
import { acknowledged, postSigned, shorten, SNIPPET, type SignedPostOptions } from "~/webhooks/signed-post.server";

/** The event type of a test call: a receiver should answer 2xx and erase nobody. */
export const CONNECTOR_TEST_EVENT = "connector.test";

type Who = { brandId: string; actor: string };

export async function addConnector(
  db: Db,
  secret: string,
  input: Who & { name: string; url: string; publicUrl: string },
): Promise<{ connector: ConnectorView; secret: string }> {
  return transact(db, async (tx) => {
    const created = await createConnector(tx, secret, input);
    await recordAudit(tx, {
      brandId: input.brandId,
      actor: input.actor,
      action: "connector.add",
      target: created.connector.name,
      detail: { url: created.connector.url },
    });
    return created;
  });
}

/** False when the brand has no connector of that name. */
export async function switchConnector(db: Db, input: Who & { name: string; enabled: boolean }): Promise<boolean> {
  return transact(db, async (tx) => {
    if (!(await setConnectorEnabled(tx, input))) return false;
    await recordAudit(tx, {
      brandId: input.brandId,
      actor: input.actor,
      action: input.enabled ? "connector.enable" : "connector.disable",
      target: input.name,
    });
    return true;
  });
}

/** The new signing secret, to be shown once; null when there is no such connector. */
export async function rotateSecret(db: Db, secret: string, input: Who & { name: string }): Promise<string | null> {
  return transact(db, async (tx) => {
    const rotated = await rotateConnectorSecret(tx, secret, input);
    if (rotated) {
      await recordAudit(tx, {
        brandId: input.brandId,
        actor: input.actor,
        action: "connector.rotate_secret",
        target: input.name,
      });
    }
    return rotated;
  });
}

/** Throws ConnectorBusyError while erasures wait on it and `abandonPending` is not given. */
export async function deleteConnector(
  db: Db,
  input: Who & { name: string; abandonPending: boolean },
): Promise<boolean> {
  return transact(db, async (tx) => {
    const pending = await tx.erasureDispatch.count({
      where: { status: "pending", connector: { brandId: input.brandId, name: input.name } },
    });
    if (!(await removeConnectorIn(tx, input))) return false;
    await recordAudit(tx, {
      brandId: input.brandId,
      actor: input.actor,
      action: "connector.remove",
      target: input.name,
      detail: { abandonedCalls: pending },
    });
    return true;
  });
}

export type ConnectorTestOutcome = {
  ok: boolean;
  /** The connector's HTTP status; null when it could not be reached. */
  status: number | null;
  /** What went wrong, "" when it acknowledged. */
  error: string;
  durationMs: number;
};

/**
 * POSTs a signed connector.test event to the connector now (switched off or not: checking it is
 * the point) and answers what it said and how long it took. Tried once, never retried; audited.
 * Null when the brand has no connector of that name.
 */
export async function sendConnectorTest(
  db: Db,
  secret: string,
  input: Who & { brandSlug: string; name: string; now?: Date; options?: SignedPostOptions },
): Promise<ConnectorTestOutcome | null> {
  const target = await connectorCallTarget(db, secret, input);
  if (!target) return null;
  const now = input.now ?? new Date();
  const id = `test_${crypto.randomUUID()}`;
  const body = JSON.stringify({
    type: CONNECTOR_TEST_EVENT,
    timestamp: now.toISOString(),
    data: {
      brand: input.brandSlug,
      connector: target.name,
      message: "A test call from Mesure's console: nobody is to be erased.",
    },
  });
  const started = performance.now();
  const answer = await postSigned(
    {
      url: target.url,
      secret: target.signingSecret,
      id,
      body,
      now,
      userAgent: "Mesure-Erasure/1",
      receiver: "connector",
    },
    input.options,
  );
  const outcome: ConnectorTestOutcome = {
    ok: acknowledged(answer),
    status: answer.status,
    error: shorten(answer.error, SNIPPET + 20),
    durationMs: Math.round(performance.now() - started),
  };
  await recordAudit(db, {
    brandId: input.brandId,
    actor: input.actor,
    action: "connector.test",
    target: target.name,
    detail: { webhookId: id, status: outcome.status, ok: outcome.ok, durationMs: outcome.durationMs },
  });
  return outcome;
}
