// Proves a webhook came from Twilio: `X-Twilio-Signature` is the base64 HMAC-SHA1, keyed by the
// account's auth token, of the URL Twilio called followed by every POST parameter's name and
// value, sorted by name (https://www.twilio.com/docs/usage/webhooks/webhooks-security).
import crypto from "node:crypto";

/** The signature Twilio sends for a form-encoded POST of `params` to `url`. */
export function twilioSignature(authToken: string, url: string, params: URLSearchParams): string {
  // Sorted by name (code units, as Twilio's libraries sort); a repeated name contributes each
  // of its values, sorted too.
  const names = [...new Set(params.keys())].sort();
  let data = url;
  for (const name of names) {
    for (const value of params.getAll(name).sort()) data += name + value;
  }
  return crypto.createHmac("sha1", authToken).update(data, "utf8").digest("base64");
}

/**
 * Whether `signature` is Twilio's for this request. Twilio's helper libraries accept the URL
 * with or without its port (Twilio adds or drops :443 and :80 depending on how the webhook was
 * configured), so do we: the auth token is the secret, not the port.
 */
export function isValidTwilioSignature(
  authToken: string,
  signature: string | null,
  url: string,
  params: URLSearchParams,
): boolean {
  if (!signature) return false;
  const presented = Buffer.from(signature, "utf8");
  return urlVariants(url).some((candidate) => {
    const expected = Buffer.from(twilioSignature(authToken, candidate, params), "utf8");
    // Constant time, so the comparison does not tell an attacker how much of a guess was right.
    return expected.length === presented.length && crypto.timingSafeEqual(expected, presented);
  });
}

function urlVariants(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [url];
  }
  const rest = parsed.pathname + parsed.search;
  const base = `${parsed.protocol}//${parsed.hostname}`;
  const defaultPort = parsed.protocol === "https:" ? "443" : "80";
  return [...new Set([url, `${base}${rest}`, `${base}:${parsed.port || defaultPort}${rest}`])];
}
