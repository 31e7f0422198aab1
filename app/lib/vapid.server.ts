// The VAPID key pair (RFC 8292) that signs every Web Push request and that browsers subscribe
// with. Production sets VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY; the embedded default run needs no
// configuration, so, like the signing secret, a pair is made on first start and kept in the data
// folder: a new pair would orphan every subscription browsers made with the old one.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";

export type VapidKeys = { publicKey: string; privateKey: string; subject: string };

/** Push services write to this address when something is wrong with our requests. */
export const DEFAULT_VAPID_SUBJECT = "mailto:no-reply@mesure.localhost";

const KeyFile = z.object({
  publicKey: z.string().regex(/^[A-Za-z0-9_-]{87}$/),
  privateKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
});

/** A fresh P-256 pair: the public key as an uncompressed point (65 bytes), the private as 32, base64url. */
export function generateVapidKeys(): { publicKey: string; privateKey: string } {
  // JWK coordinates are fixed-length (32 bytes each), unlike ECDH.getPrivateKey(), which drops
  // leading zero bytes now and then.
  const { privateKey } = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
  const jwk = privateKey.export({ format: "jwk" });
  const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, "base64url"), Buffer.from(jwk.y!, "base64url")]);
  return { publicKey: point.toString("base64url"), privateKey: jwk.d! };
}

/** Whether the public key is the one that belongs to the private key. */
export function vapidPairMatches(keys: { publicKey: string; privateKey: string }): boolean {
  try {
    const ecdh = crypto.createECDH("prime256v1");
    ecdh.setPrivateKey(Buffer.from(keys.privateKey, "base64url"));
    return ecdh.getPublicKey().equals(Buffer.from(keys.publicKey, "base64url"));
  } catch {
    return false;
  }
}

export function resolveVapidKeys(
  configured: { publicKey?: string; privateKey?: string; subject?: string },
  dataDir: string,
): VapidKeys {
  const subject = configured.subject ?? DEFAULT_VAPID_SUBJECT;
  if (configured.publicKey && configured.privateKey) {
    const keys = { publicKey: configured.publicKey, privateKey: configured.privateKey };
    // The env schema checks each key's shape, not that they are one pair; a mismatch would
    // only show as every push service refusing every message.
    if (!vapidPairMatches(keys)) {
      throw new Error("VAPID_PUBLIC_KEY is not the public key of VAPID_PRIVATE_KEY (`mesure vapid-keys` makes a pair)");
    }
    return { ...keys, subject };
  }
  return { ...storedPair(path.resolve(dataDir, "vapid.json")), subject };
}

function storedPair(file: string): { publicKey: string; privateKey: string } {
  const existing = readPair(file);
  if (existing) return existing;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const pair = generateVapidKeys();
  try {
    // "wx": if another process created it first, use theirs.
    fs.writeFileSync(file, `${JSON.stringify(pair, null, 2)}\n`, { mode: 0o600, flag: "wx" });
    return pair;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  // The winner may not have finished writing its few bytes yet: give it a moment.
  for (let attempt = 0; attempt < 20; attempt++) {
    const theirs = readPair(file, { partialIsEmpty: true });
    if (theirs) return theirs;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  }
  return readPair(file)!;
}

/** The pair kept in the file, or null when there is no file (yet). A damaged file is an error. */
function readPair(file: string, options: { partialIsEmpty?: boolean } = {}) {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  let parsed: z.ZodSafeParseResult<z.infer<typeof KeyFile>>;
  try {
    parsed = KeyFile.safeParse(JSON.parse(text));
  } catch {
    parsed = KeyFile.safeParse(null);
  }
  if (parsed.success && vapidPairMatches(parsed.data)) return parsed.data;
  if (options.partialIsEmpty) return null;
  throw new Error(
    `${file} does not hold a VAPID key pair: restore it, or delete it to make a new one ` +
      "(browsers will then have to subscribe again)",
  );
}
