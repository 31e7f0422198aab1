// Outgoing email: nodemailer over SMTP, through a pool of connections (opening one per message
// costs a greeting round-trip each time). React Email templates in emails/ are rendered here to
// HTML and plain text, so every message carries both.
import { render } from "@react-email/render";
import nodemailer from "nodemailer";
import type { ReactElement } from "react";

export type OutgoingMail = {
  to: string;
  subject: string;
  email: ReactElement;
  headers?: Record<string, string>;
};

export interface Mailer {
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
  close(): void;
}

export function createMailer(smtpUrl: string, from: string): Mailer {
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    pool: true,
    maxConnections: 4,
    // A local catcher or relay on plain SMTP is normal in development; anything that offers
    // STARTTLS gets it.
    tls: { rejectUnauthorized: !/^smtps?:\/\/(localhost|127\.0\.0\.1)[:/]/.test(smtpUrl) },
  } as Parameters<typeof nodemailer.createTransport>[0]);
  return {
    async send(mail) {
      const [html, text] = await Promise.all([render(mail.email), render(mail.email, { plainText: true })]);
      const info = (await transport.sendMail({
        from,
        to: mail.to,
        subject: mail.subject,
        html,
        text,
        headers: mail.headers,
      })) as { messageId: string };
      return { messageId: info.messageId };
    },
    close() {
      transport.close();
    },
  };
}
