// Connectors: a brand's systems (CRM, mailing tool, warehouse) that must hear of every erasure,
// called with Standard Webhooks signatures. The signing secret is shown once at creation (or
// rotation) and kept sealed under the server secret: Mesure must read it back to sign, so a hash
// would not do, and a copy of the database alone does not let anyone forge calls.
import { z } from "zod";
import type { Db, Tx } from "~/db/client.server";
import { isUniqueViolation } from "~/db/errors";
import { open, seal } from "~/lib/encryption.server";
import { isLoopbackHost, mayRegisterHost, PRIVATE_ADDRESS } from "~/lib/outbound.server";
import { generateWebhookSecret } from "~/lib/standard-webhooks.server";

/** The purpose connector secrets are sealed under (app/lib/encryption.server.ts). */
export const CONNECTOR_SECRET_PURPOSE = "connector-secret";

export const ConnectorName = z
  .string()
  .trim()
  .min(1, "is required")
  .max(60, "must be at most 60 characters")
  // Shown to customers beside their erasure's progress, and typed by operators: plain text.
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._()&'-]*$/u, "must be letters, digits, spaces and . _ - ( ) & '");

/**
 * Where calls go. https, except when Mesure itself is served over plain http (a local or test
 * install, PUBLIC_URL http://…) or the connector is on this machine (loopback): the calls carry
 * the person's email and phone, which must not cross a network in clear. No credentials in the
 * URL, since the URL is stored and listed in clear (the signature is the authentication). No
 * private or loopback address unless the operator allows them (app/lib/outbound.server.ts).
 */
export function connectorUrl(publicUrl: string) {
  const mesureIsHttps = publicUrl.startsWith("https:");
  return z
    .string()
    .trim()
    .max(2000, "must be at most 2000 characters")
    .refine((text) => URL.canParse(text), "must be an absolute URL, e.g. https://crm.example.com/hooks/mesure")
    .transform((text) => new URL(text))
    .refine((url) => url.protocol === "https:" || url.protocol === "http:", "must be an http(s) URL")
    .refine((url) => !url.username && !url.password, "must not hold a user name or password")
    .refine(
      (url) => url.protocol === "https:" || !mesureIsHttps || isLoopbackHost(url.hostname),
      "must be https (Mesure is served over https, and these calls carry personal data)",
    )
    .refine((url) => mayRegisterHost(url.hostname), PRIVATE_ADDRESS)
    .transform((url) => url.toString());
}

export class ConnectorNameTakenError extends Error {
  constructor(name: string) {
    super(`this brand already has a connector named "${name}"`);
  }
}

/** Removing a connector that some erasure still waits on needs the operator to say so. */
export class ConnectorBusyError extends Error {
  constructor(
    name: string,
    readonly pending: number,
  ) {
    super(`connector "${name}" has ${pending} erasure call(s) not yet acknowledged`);
  }
}

const connectorSelect = {
  id: true,
  name: true,
  url: true,
  enabled: true,
  createdAt: true,
  updatedAt: true,
} as const;

export type ConnectorView = {
  id: string;
  name: string;
  url: string;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
};

/** Creates a connector; the secret comes back this once. */
export async function createConnector(
  db: Tx,
  secret: string,
  input: { brandId: string; name: string; url: string; publicUrl: string },
): Promise<{ connector: ConnectorView; secret: string }> {
  const name = ConnectorName.parse(input.name);
  const url = connectorUrl(input.publicUrl).parse(input.url);
  const signingSecret = generateWebhookSecret();
  try {
    const connector = await db.connector.create({
      data: {
        brandId: input.brandId,
        name,
        url,
        secretCiphertext: seal(secret, CONNECTOR_SECRET_PURPOSE, signingSecret),
      },
      select: connectorSelect,
    });
    return { connector, secret: signingSecret };
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConnectorNameTakenError(name);
    throw error;
  }
}

/** The brand's connectors, never their secrets. */
export function listConnectors(db: Tx, brandId: string): Promise<ConnectorView[]> {
  return db.connector.findMany({ where: { brandId }, orderBy: { createdAt: "asc" }, select: connectorSelect });
}

/**
 * Turns a connector on or off. An off connector is left out of new erasures, and its calls
 * still waiting are held (not attempted) until it is on again. False when there is no such connector.
 */
export async function setConnectorEnabled(
  db: Tx,
  input: { brandId: string; name: string; enabled: boolean },
): Promise<boolean> {
  const { count } = await db.connector.updateMany({
    where: { brandId: input.brandId, name: input.name },
    data: { enabled: input.enabled },
  });
  return count > 0;
}

/** A new signing secret, shown this once; the old one stops working at once. Null when there is no such connector. */
export async function rotateConnectorSecret(
  db: Tx,
  secret: string,
  input: { brandId: string; name: string },
): Promise<string | null> {
  const signingSecret = generateWebhookSecret();
  const { count } = await db.connector.updateMany({
    where: { brandId: input.brandId, name: input.name },
    data: { secretCiphertext: seal(secret, CONNECTOR_SECRET_PURPOSE, signingSecret) },
  });
  return count > 0 ? signingSecret : null;
}

/**
 * Removes a connector. While some erasure still waits for it to acknowledge, this refuses
 * (ConnectorBusyError) unless `abandonPending`: those calls are then closed as acknowledged, with
 * a note saying the operator removed the system, so the erasures can complete. False when there
 * is no such connector.
 */
export async function removeConnector(
  db: Db,
  input: { brandId: string; name: string; abandonPending?: boolean; now?: Date },
): Promise<boolean> {
  return db.$transaction((tx) => removeConnectorIn(tx, input));
}

/** removeConnector inside the caller's transaction (the console records the removal in the same one). */
export async function removeConnectorIn(
  tx: Tx,
  input: { brandId: string; name: string; abandonPending?: boolean; now?: Date },
): Promise<boolean> {
  const now = input.now ?? new Date();
  const connector = await tx.connector.findUnique({
    where: { brandId_name: { brandId: input.brandId, name: input.name } },
    select: { id: true },
  });
  if (!connector) return false;
  const pending = await tx.erasureDispatch.count({ where: { connectorId: connector.id, status: "pending" } });
  if (pending > 0 && !input.abandonPending) throw new ConnectorBusyError(input.name, pending);
  if (pending > 0) {
    await tx.erasureDispatch.updateMany({
      where: { connectorId: connector.id, status: "pending" },
      data: {
        status: "acknowledged",
        acknowledgedAt: now,
        leaseUntil: null,
        lastError: "connector removed by the operator before it acknowledged",
      },
    });
  }
  // Its past dispatches keep their connector's name (connectorId is set to null).
  await tx.connector.delete({ where: { id: connector.id }, select: { id: true } });
  return true;
}

export type ConnectorWithPending = ConnectorView & {
  /** Erasure calls still waiting for this connector to acknowledge. */
  pending: number;
};

/** The brand's connectors with how many erasure calls each still owes (the console's list). */
export async function listConnectorsWithPending(db: Tx, brandId: string): Promise<ConnectorWithPending[]> {
  const rows = await db.connector.findMany({
    where: { brandId },
    orderBy: { createdAt: "asc" },
    select: { ...connectorSelect, _count: { select: { dispatches: { where: { status: "pending" } } } } },
  });
  return rows.map(({ _count, ...connector }) => ({ ...connector, pending: _count.dispatches }));
}

/**
 * Where a connector is called and the secret it signs with, in clear: for a call made now at the
 * operator's request (the console's "send test"), never for display. Null when there is none.
 */
export async function connectorCallTarget(
  db: Tx,
  secret: string,
  input: { brandId: string; name: string },
): Promise<{ id: string; name: string; url: string; enabled: boolean; signingSecret: string } | null> {
  const connector = await db.connector.findUnique({
    where: { brandId_name: { brandId: input.brandId, name: input.name } },
    select: { id: true, name: true, url: true, enabled: true, secretCiphertext: true },
  });
  if (!connector) return null;
  const { secretCiphertext, ...target } = connector;
  return { ...target, signingSecret: openConnectorSecret(secret, secretCiphertext) };
}

/** The secret a connector signs with, for the delivery job only. */
export function openConnectorSecret(secret: string, secretCiphertext: string): string {
  return open(secret, CONNECTOR_SECRET_PURPOSE, secretCiphertext);
}
