// A push service on this machine (RFC 8030) that is as strict as the real ones and opens what it
// gets: it checks the VAPID signature (RFC 8292) and decrypts every message (RFC 8291 aes128gcm,
// written here by hand from the RFCs with node:crypto, so a test does not trust web-push to
// check web-push). Each subscription's answer can be programmed (410, 404, 500, a slow answer).
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

/** What a browser gives a site (PushSubscription.toJSON()), and what it keeps to itself. */
export type BrowserSubscription = {
  id: string;
  json: { endpoint: string; expirationTime: null; keys: { p256dh: string; auth: string } };
  /** The browser's P-256 key pair (the public half is keys.p256dh) and auth secret. */
  ecdh: crypto.ECDH;
  authSecret: Buffer;
};

export type ReceivedMessage = {
  id: string;
  /** The decrypted body. */
  payload: string;
  ttl: number;
  urgency: string | null;
  topic: string | null;
  /** The VAPID public key that signed the request, and the JWT's claims. */
  vapidKey: string;
  claims: { aud: string; exp: number; sub: string };
};

export type Answer = { status: number; headers?: Record<string, string>; delayMs?: number };

export type PushService = {
  url: string;
  /** A new subscription like a browser's, known to this service (answers 201 until told otherwise). */
  subscribe(): BrowserSubscription;
  /** Programs how the service answers for one subscription from now on. */
  answer(id: string, answer: Answer): void;
  received: ReceivedMessage[];
  /** Requests refused because they broke the protocol (bad signature, encoding…), with why. */
  refused: { id: string; status: number; reason: string }[];
  stop(): Promise<void>;
};

/** A key pair and auth secret made the way a browser makes them for a new subscription. */
export function newBrowserSubscription(serviceUrl: string): BrowserSubscription {
  const ecdh = crypto.createECDH("prime256v1");
  ecdh.generateKeys();
  const authSecret = crypto.randomBytes(16);
  const id = crypto.randomBytes(12).toString("base64url");
  return {
    id,
    json: {
      endpoint: `${serviceUrl}/push/${id}`,
      expirationTime: null,
      keys: { p256dh: ecdh.getPublicKey().toString("base64url"), auth: authSecret.toString("base64url") },
    },
    ecdh,
    authSecret,
  };
}

class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startPushService(): Promise<PushService> {
  const subscriptions = new Map<string, BrowserSubscription>();
  const answers = new Map<string, Answer>();
  const received: ReceivedMessage[] = [];
  const refused: PushService["refused"] = [];
  let origin = "";

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const id = /^\/push\/([A-Za-z0-9_-]+)$/.exec(req.url ?? "")?.[1] ?? "";
      const reply = (status: number, headers: Record<string, string> = {}) => {
        res.writeHead(status, headers);
        res.end();
      };
      const subscription = subscriptions.get(id);
      if (req.method !== "POST" || !subscription) return reply(404);
      let message: ReceivedMessage;
      try {
        message = openMessage(req, Buffer.concat(chunks), subscription, origin);
      } catch (error) {
        if (!(error instanceof Refusal)) throw error;
        refused.push({ id, status: error.status, reason: error.message });
        return reply(error.status);
      }
      const answer = answers.get(id) ?? { status: 201 };
      setTimeout(() => {
        if (answer.status === 201) {
          received.push(message);
          return reply(201, { Location: `${origin}/message/${crypto.randomUUID()}`, ...answer.headers });
        }
        reply(answer.status, answer.headers);
      }, answer.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: origin,
    subscribe() {
      const subscription = newBrowserSubscription(origin);
      subscriptions.set(subscription.id, subscription);
      return subscription;
    },
    answer(id, answer) {
      answers.set(id, answer);
    },
    received,
    refused,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Checks a push request the way a push service must, and decrypts its body. */
function openMessage(
  req: http.IncomingMessage,
  body: Buffer,
  subscription: BrowserSubscription,
  origin: string,
): ReceivedMessage {
  const ttl = req.headers["ttl"];
  if (ttl === undefined || !/^\d+$/.test(String(ttl))) throw new Refusal(400, "missing or malformed TTL header");
  if (req.headers["content-encoding"] !== "aes128gcm") throw new Refusal(415, "Content-Encoding must be aes128gcm");
  const { vapidKey, claims } = checkVapid(req.headers.authorization, origin);
  return {
    id: subscription.id,
    payload: decrypt(body, subscription).toString("utf8"),
    ttl: Number(ttl),
    urgency: header(req, "urgency"),
    topic: header(req, "topic"),
    vapidKey,
    claims,
  };
}

function header(req: http.IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return typeof value === "string" ? value : null;
}

/** RFC 8292: `Authorization: vapid t=<JWT>, k=<public key>`, the JWT signed with ES256 by k. */
function checkVapid(authorization: string | undefined, origin: string) {
  const match = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+), k=([\w-]+)$/.exec(authorization ?? "");
  if (!match) throw new Refusal(401, `Authorization is not "vapid t=…, k=…": ${authorization}`);
  const [, jwt, vapidKey] = match as unknown as [string, string, string];
  const [header, claims, signature] = jwt.split(".") as [string, string, string];
  const point = Buffer.from(vapidKey, "base64url");
  if (point.length !== 65 || point[0] !== 4) throw new Refusal(401, "k is not an uncompressed P-256 point");
  const key = crypto.createPublicKey({
    key: {
      kty: "EC",
      crv: "P-256",
      x: point.subarray(1, 33).toString("base64url"),
      y: point.subarray(33).toString("base64url"),
    },
    format: "jwk",
  });
  const signed = crypto.verify(
    "sha256",
    Buffer.from(`${header}.${claims}`),
    { key, dsaEncoding: "ieee-p1363" },
    Buffer.from(signature, "base64url"),
  );
  if (!signed) throw new Refusal(403, "the JWT's signature does not verify with k");
  const alg = (JSON.parse(Buffer.from(header, "base64url").toString()) as { alg?: string }).alg;
  if (alg !== "ES256") throw new Refusal(403, `JWT alg is ${alg}, not ES256`);
  const parsed = JSON.parse(Buffer.from(claims, "base64url").toString()) as { aud: string; exp: number; sub: string };
  if (parsed.aud !== origin) throw new Refusal(403, `aud is ${parsed.aud}, not ${origin}`);
  const now = Date.now() / 1000;
  if (!(parsed.exp > now && parsed.exp <= now + 24 * 3600))
    throw new Refusal(403, `exp ${parsed.exp} is not within 24 h`);
  if (typeof parsed.sub !== "string" || !/^(mailto:|https:)/.test(parsed.sub)) {
    throw new Refusal(403, `sub is missing or not a mailto: or https: contact: ${parsed.sub}`);
  }
  return { vapidKey, claims: parsed };
}

const hmac = (key: Buffer, ...data: Buffer[]) => {
  const mac = crypto.createHmac("sha256", key);
  for (const part of data) mac.update(part);
  return mac.digest();
};

/** RFC 8291 §3.3–3.4 then RFC 8188: the body as the browser opens it. */
function decrypt(body: Buffer, subscription: BrowserSubscription): Buffer {
  // RFC 8188 §2.1: salt (16) | rs (uint32) | idlen (1) | keyid (idlen), here the sender's key.
  if (body.length < 21) throw new Refusal(400, "body shorter than an aes128gcm header");
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idlen = body[20]!;
  const senderKey = body.subarray(21, 21 + idlen);
  if (idlen !== 65 || senderKey[0] !== 4) throw new Refusal(400, "keyid is not the sender's P-256 public key");
  if (rs < 18) throw new Refusal(400, `record size ${rs} is too small`);
  const records = body.subarray(21 + idlen);
  if (records.length > 4096) throw new Refusal(413, "body larger than 4096 bytes");

  const receiverKey = subscription.ecdh.getPublicKey();
  let ecdhSecret: Buffer;
  try {
    ecdhSecret = subscription.ecdh.computeSecret(senderKey);
  } catch {
    throw new Refusal(400, "keyid is not a point on P-256");
  }
  // §3.3: PRK_key = HMAC(auth_secret, ecdh_secret); IKM = HKDF-Expand(PRK_key, key_info, 32).
  const prkKey = hmac(subscription.authSecret, ecdhSecret);
  const keyInfo = Buffer.concat([Buffer.from("WebPush: info\0"), receiverKey, senderKey]);
  const ikm = hmac(prkKey, keyInfo, Buffer.from([1]));
  // RFC 8188 §2.2–2.3: PRK = HMAC(salt, IKM); CEK (16) and NONCE (12) expanded from it.
  const prk = hmac(salt, ikm);
  const cek = hmac(prk, Buffer.from("Content-Encoding: aes128gcm\0"), Buffer.from([1])).subarray(0, 16);
  const baseNonce = hmac(prk, Buffer.from("Content-Encoding: nonce\0"), Buffer.from([1])).subarray(0, 12);

  const plaintext: Buffer[] = [];
  for (let offset = 0, seq = 0; offset < records.length; offset += rs, seq++) {
    const record = records.subarray(offset, offset + rs);
    const last = offset + rs >= records.length;
    const nonce = Buffer.from(baseNonce);
    // The record's sequence number, XORed into the nonce's end (big-endian; fewer than 2^32 records).
    nonce.writeUInt32BE((nonce.readUInt32BE(8) ^ seq) >>> 0, 8);
    const decipher = crypto.createDecipheriv("aes-128-gcm", cek, nonce);
    decipher.setAuthTag(record.subarray(record.length - 16));
    let opened: Buffer;
    try {
      opened = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
    } catch {
      throw new Refusal(400, `record ${seq} does not decrypt (wrong keys or tampered)`);
    }
    // §2: data, then a delimiter (2 in the last record, 1 before), then zero padding.
    let end = opened.length - 1;
    while (end >= 0 && opened[end] === 0) end--;
    if (opened[end] !== (last ? 2 : 1)) throw new Refusal(400, `record ${seq} has no ${last ? 2 : 1} delimiter`);
    plaintext.push(opened.subarray(0, end));
  }
  return Buffer.concat(plaintext);
}
