// The local run's mail server: when SMTP_URL is not set, Mesure starts a real SMTP server on
// 127.0.0.1 inside its own process and sends to it, so every email goes through the same
// nodemailer path as in production; the last messages are kept in memory for /dev/mail.
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export type CaughtMail = {
  id: number;
  at: Date;
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
};

export type MailCatcher = { url: string; messages: () => CaughtMail[]; close: () => Promise<void> };

const KEEP = 200;

export async function startMailCatcher(): Promise<MailCatcher> {
  const messages: CaughtMail[] = [];
  let next = 1;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    banner: "Mesure local mail catcher",
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          messages.unshift({
            id: next++,
            at: new Date(),
            from: mail.from?.text ?? "",
            to: Array.isArray(mail.to) ? mail.to.map((to) => to.text).join(", ") : (mail.to?.text ?? ""),
            subject: mail.subject ?? "",
            html: typeof mail.html === "string" ? mail.html : "",
            text: mail.text ?? "",
          });
          messages.length = Math.min(messages.length, KEEP);
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.server.address();
      resolve(typeof address === "object" && address ? address.port : 0);
    });
  });
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages: () => messages,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
