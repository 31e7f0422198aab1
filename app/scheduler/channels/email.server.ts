// Email over SMTP with nodemailer, through a pool of connections (opening one per message costs
// a greeting round-trip each time) that begins a message only once the delivery is claimed
// (smtp-pool.server.ts). The Message-ID is the delivery's id, so a message re-sent
// after a worker died mid-send carries the same id and receiving systems can tell it is one.
import nodemailer from "nodemailer";
import { GatedSmtpTransport, WithdrawnError } from "./smtp-pool.server";
import { withdrawn, type ChannelAdapter, type ChannelJob, type SendResult } from "./types";

type SmtpError = Error & { code?: string; responseCode?: number; response?: string };

export class SmtpEmailAdapter implements ChannelAdapter {
  readonly channel = "email" as const;
  private readonly transport: ReturnType<typeof nodemailer.createTransport>;
  private readonly address: string;
  private readonly domain: string;

  constructor(options: { smtpUrl: string; from: string; publicUrl: string; maxConnections?: number }) {
    const local = /^smtps?:\/\/(localhost|127\.0\.0\.1)[:/]/.test(options.smtpUrl);
    const carrier = new GatedSmtpTransport(options.smtpUrl, options.maxConnections ?? 8, {
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 30_000,
      tls: { rejectUnauthorized: !local },
    });
    this.transport = nodemailer.createTransport(carrier as unknown as Parameters<typeof nodemailer.createTransport>[0]);
    // "Name <address>" or a bare address: each brand sends under its own name from that address.
    this.address = /<([^>]+)>/.exec(options.from)?.[1] ?? options.from;
    this.domain = new URL(options.publicUrl).hostname || "mesure.localhost";
  }

  async send(job: ChannelJob): Promise<SendResult> {
    const to = job.recipient.email;
    if (!to) return { ok: false, transient: false, error: "the customer has no email address" };
    if (!job.email) return { ok: false, transient: false, error: "nothing to send by email" };
    const messageId = `<${job.deliveryId}@${this.domain}>`;
    try {
      await this.transport.sendMail({
        from: { name: job.brand.name, address: this.address },
        to,
        subject: job.email.subject,
        html: job.email.html,
        text: job.email.text,
        messageId,
        headers: { ...job.email.headers, "X-Mesure-Delivery": job.deliveryId },
        // Asked by the transport on a ready connection, right before MAIL FROM.
        begin: job.begin,
      } as Parameters<typeof this.transport.sendMail>[0]);
      return { ok: true, providerId: messageId };
    } catch (error) {
      if (error instanceof WithdrawnError) return withdrawn;
      return classify(error as SmtpError);
    }
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}

/** SMTP replies: 5xx is final (a 55x on the recipient is a hard bounce), 4xx and network errors pass. */
export function classify(error: SmtpError): SendResult {
  const code = error.responseCode;
  const said = (error.response ?? error.message).slice(0, 500);
  if (code !== undefined && code >= 500) {
    const bounce = error.code === "EENVELOPE" || /^5\.1\.\d/.test(said.replace(/^\d{3}[ -]/, "")) || code === 550;
    return { ok: false, transient: false, error: said, ...(bounce && { suppress: "hard_bounce" as const }) };
  }
  return { ok: false, transient: true, error: said };
}
