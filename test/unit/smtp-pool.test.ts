// The email channel's own SMTP pool against a real SMTP server: a withdrawn message begins no
// transaction; the check runs on a connection already greeted; a refused recipient leaves the
// connection usable; a connection the server dropped while idle is replaced without losing
// the message; connections are reused and never more than the limit.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SmtpEmailAdapter } from "~/scheduler/channels/email.server";
import type { ChannelJob } from "~/scheduler/channels/types";
import { startSmtpSink, type SmtpSink } from "../support/smtp";

let smtp: SmtpSink;
let adapter: SmtpEmailAdapter;

beforeAll(async () => {
  smtp = await startSmtpSink({
    rejectRecipient: (address) => (address.startsWith("nobody") ? { code: 550, message: "5.1.1 No such user" } : null),
  });
});
afterEach(async () => adapter?.close());
afterAll(async () => smtp.stop());

let counter = 0;
function job(to: string, begin: () => Promise<boolean> = async () => true): ChannelJob {
  const id = `delivery-${++counter}`;
  return {
    begin,
    deliveryId: id,
    messageId: `message-${counter}`,
    brand: { id: "b1", slug: "shop", name: "La Boutique" },
    topicKey: "news",
    recipient: { brandId: "b1", customerId: "c1", externalId: "x", email: to, phone: null, locale: "fr" },
    email: { subject: `pool ${counter}`, html: "<p>Bonjour</p>", text: "Bonjour", headers: {} },
    short: { title: "t", text: "t", url: null },
  };
}

const open = (maxConnections: number) =>
  (adapter = new SmtpEmailAdapter({
    smtpUrl: smtp.url,
    from: "Shop <shop@example.com>",
    publicUrl: "http://localhost:3000",
    maxConnections,
  }));

describe("the email channel's SMTP pool", () => {
  it("begins no transaction for a message withdrawn at the last moment", async () => {
    open(2);
    const before = smtp.transactions.length;
    const result = await adapter.send(job("kept@example.com", async () => false));
    expect(result).toMatchObject({ ok: false, withdrawn: true });
    expect(smtp.transactions.length).toBe(before);
    // The connection it opened serves the next message.
    expect(await adapter.send(job("kept@example.com"))).toMatchObject({ ok: true });
    expect(smtp.transactions.length).toBe(before + 1);
  });

  it("asks on a connection already greeted, just before MAIL FROM", async () => {
    open(1);
    let askedAt = 0;
    const sent = await adapter.send(
      job("timed@example.com", async () => {
        askedAt = Date.now();
        // The smtp-server greets after about 100 ms: a check before the greeting would be that much earlier.
        return true;
      }),
    );
    expect(sent).toMatchObject({ ok: true });
    const transaction = smtp.transactions.at(-1)!;
    expect(transaction.to).toBe("timed@example.com");
    expect(transaction.at - askedAt).toBeLessThan(50);
  });

  it("keeps a connection through a refused recipient, and never opens more than the limit", async () => {
    open(2);
    const connectionsBefore = smtp.connections();
    const jobs = ["a", "nobody", "b", "c", "nobody", "d"].map((name) => job(`${name}@example.com`));
    const results = await Promise.all(jobs.map((one) => adapter.send(one)));
    expect(results.map((result) => result.ok)).toEqual([true, false, true, true, false, true]);
    expect(results[1]).toMatchObject({ ok: false, transient: false, suppress: "hard_bounce" });
    for (const one of jobs.filter((_, index) => results[index]!.ok))
      await smtp.waitFor((mail) => mail.subject === one.email!.subject);
    expect(smtp.connections() - connectionsBefore).toBe(2);
  });

  it("replaces a connection the server closed while it was idle, without losing the message", async () => {
    open(1);
    expect(await adapter.send(job("first@example.com"))).toMatchObject({ ok: true });
    smtp.dropConnections();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const again = await adapter.send(job("second@example.com"));
    expect(again).toMatchObject({ ok: true });
    await smtp.waitFor((mail) => mail.to.includes("second@example.com"));
  });
});
