// Standard Webhooks signing: the reference libraries' published vector, and verify()'s refusals.
import { describe, expect, it } from "vitest";
import {
  generateWebhookSecret,
  secretKey,
  sign,
  signature,
  TOLERANCE_SECONDS,
  verify,
} from "~/lib/standard-webhooks.server";

// The vector from standard-webhooks/standard-webhooks, libraries/javascript/src/webhook.test.ts
// ("sign function works"), checked independently with:
//   python3 -c "import hmac,hashlib,base64; k=base64.b64decode('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
//     print(base64.b64encode(hmac.new(k, b'msg_p5jXN8AQM9LWM0D4loKWxJek.1614265330.{\"test\": 2432232314}',
//     hashlib.sha256).digest()))"
//   → g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=
const vector = {
  secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
  timestamp: new Date(1614265330 * 1000),
  body: '{"test": 2432232314}',
  signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
};

describe("Standard Webhooks", () => {
  it("signs the reference vector exactly as the scheme's libraries do", () => {
    expect(signature(vector.secret, vector.id, vector.timestamp, vector.body)).toBe(vector.signature);
    expect(sign(vector.secret, vector.id, vector.timestamp, vector.body)).toEqual({
      "webhook-id": vector.id,
      "webhook-timestamp": "1614265330",
      "webhook-signature": vector.signature,
    });
    // The prefix is optional when reading a secret.
    expect(signature(vector.secret.slice(6), vector.id, vector.timestamp, vector.body)).toBe(vector.signature);
  });

  it("verifies the vector at its time, and refuses it five minutes and a second away", () => {
    const headers = sign(vector.secret, vector.id, vector.timestamp, vector.body);
    expect(verify(vector.secret, headers, vector.body, vector.timestamp)).toEqual({ ok: true });
    const edge = TOLERANCE_SECONDS * 1000;
    expect(verify(vector.secret, headers, vector.body, new Date(vector.timestamp.getTime() + edge)).ok).toBe(true);
    expect(verify(vector.secret, headers, vector.body, new Date(vector.timestamp.getTime() + edge + 1000))).toEqual({
      ok: false,
      reason: "too_old",
    });
    expect(verify(vector.secret, headers, vector.body, new Date(vector.timestamp.getTime() - edge - 1000))).toEqual({
      ok: false,
      reason: "too_new",
    });
  });

  it("refuses a changed body, id or timestamp, another secret, and malformed headers", () => {
    const at = vector.timestamp;
    const headers = sign(vector.secret, vector.id, at, vector.body);
    expect(verify(vector.secret, headers, '{"test": 2432232315}', at)).toEqual({ ok: false, reason: "bad_signature" });
    expect(verify(vector.secret, { ...headers, "webhook-id": "msg_other" }, vector.body, at).ok).toBe(false);
    expect(verify(vector.secret, { ...headers, "webhook-timestamp": "1614265331" }, vector.body, at).ok).toBe(false);
    expect(verify(generateWebhookSecret(), headers, vector.body, at).ok).toBe(false);
    expect(verify(vector.secret, { ...headers, "webhook-timestamp": "hello" }, vector.body, at)).toEqual({
      ok: false,
      reason: "bad_timestamp",
    });
    expect(verify(vector.secret, { "webhook-id": vector.id }, vector.body, at)).toEqual({
      ok: false,
      reason: "missing_headers",
    });
    for (const bad of [
      "v1,",
      "v1,dawfeoifkpqwoekfpqoekf",
      headers["webhook-signature"].slice(0, 8),
      "v2," + vector.signature.slice(3),
    ]) {
      expect(verify(vector.secret, { ...headers, "webhook-signature": bad }, vector.body, at).ok).toBe(false);
    }
  });

  it("accepts one valid signature among several, separated by spaces, and reads Headers objects", () => {
    const headers = sign(vector.secret, vector.id, vector.timestamp, vector.body);
    const several = [
      "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
      "v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
      headers["webhook-signature"],
    ].join(" ");
    const fetchHeaders = new Headers({ ...headers, "webhook-signature": several });
    expect(verify(vector.secret, fetchHeaders, vector.body, vector.timestamp)).toEqual({ ok: true });
  });

  it("makes secrets of 32 random bytes with the whsec_ prefix, and refuses keys of the wrong size", () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(secretKey(secret)).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(secret);
    expect(() => secretKey("whsec_" + Buffer.alloc(16).toString("base64"))).toThrow(/24 to 64 bytes/);
    expect(() => secretKey("whsec_not base64!")).toThrow(/base64/);
  });
});
