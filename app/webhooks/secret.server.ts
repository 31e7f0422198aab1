// Endpoint signing secrets: shown once, then kept sealed under the server secret (AES-256-GCM,
// app/lib/encryption.server.ts), since Mesure must read them back to sign every call; a copy of
// the database alone does not let anyone forge a webhook.
import { open, seal } from "~/lib/encryption.server";
import { generateWebhookSecret } from "~/lib/standard-webhooks.server";

/** The purpose endpoint secrets are sealed under: a connector's sealed secret cannot be opened as one. */
const WEBHOOK_SECRET_PURPOSE = "webhook-secret";

/** A new "whsec_…" secret, in clear (to show once) and sealed (to store). */
export function newWebhookSecret(serverSecret: string): { clear: string; sealed: string } {
  const clear = generateWebhookSecret();
  return { clear, sealed: seal(serverSecret, WEBHOOK_SECRET_PURPOSE, clear) };
}

/** The secret an endpoint signs with, for the delivery job only. */
export function openWebhookSecret(serverSecret: string, sealed: string): string {
  return open(serverSecret, WEBHOOK_SECRET_PURPOSE, sealed);
}
