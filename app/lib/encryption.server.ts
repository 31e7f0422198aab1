// Secrets Mesure must read back (connector signing keys, the identifiers an erasure hands to
// connectors) are sealed with AES-256-GCM under a key derived from the server secret by
// HKDF-SHA256 with a purpose label, so a value sealed for one use cannot be opened for another
// and the server secret itself never touches data. Format: "v1.<iv>.<tag>.<ciphertext>"
// (base64url), versioned so the scheme can change without guessing what old rows hold.
import crypto from "node:crypto";

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SealError extends Error {}

function keyFor(secret: string, purpose: string): Buffer {
  if (!secret) throw new SealError("no server secret to derive a key from");
  // The salt is fixed: the server secret is already high-entropy; the purpose is the separation.
  return Buffer.from(crypto.hkdfSync("sha256", secret, "mesure-seal", `mesure:${purpose}`, 32));
}

/** Encrypts and authenticates `plaintext` for `purpose`; the purpose is also bound as associated data. */
export function seal(secret: string, purpose: string, plaintext: string): string {
  const iv = crypto.randomBytes(IV_BYTES);
  const cipher = crypto.createCipheriv("aes-256-gcm", keyFor(secret, purpose), iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(`${VERSION}:${purpose}`));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), ciphertext]
    .map((part) => (typeof part === "string" ? part : part.toString("base64url")))
    .join(".");
}

/** Decrypts a sealed value; throws SealError when it was altered, sealed for another purpose or under another secret. */
export function open(secret: string, purpose: string, sealed: string): string {
  const parts = sealed.split(".");
  if (parts.length !== 4 || parts[0] !== VERSION)
    throw new SealError("not a sealed value (expected v1.<iv>.<tag>.<data>)");
  const [, ivText, tagText, dataText] = parts as [string, string, string, string];
  const iv = Buffer.from(ivText, "base64url");
  const tag = Buffer.from(tagText, "base64url");
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SealError("sealed value is malformed");
  try {
    const decipher = crypto.createDecipheriv("aes-256-gcm", keyFor(secret, purpose), iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(`${VERSION}:${purpose}`));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(dataText, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new SealError("sealed value does not open: altered, or sealed for another purpose or secret");
  }
}
