// A real SMTP server for tests (the npm smtp-server), keeping every message it receives, parsed.
import type { Socket } from "node:net";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export type ReceivedMail = {
  to: string;
  subject: string;
  html: string;
  text: string;
  links: string[];
  messageId: string;
  /** Header names in lower case, values as sent. */
  headers: Map<string, string>;
};

/** An SMTP transaction as the sink saw it begin: MAIL FROM's arrival, and its recipient. */
export type Transaction = { at: number; to: string };

export type SmtpSink = {
  url: string;
  messages: ReceivedMail[];
  /** Every transaction begun (MAIL FROM … RCPT TO), accepted or not, in order. */
  transactions: Transaction[];
  /** How many connections clients have opened so far. */
  connections: () => number;
  /** Closes every open connection from the server's side, as an idle timeout would. */
  dropConnections: () => void;
  /** The first message (already received or to come) that satisfies `match`. */
  waitFor: (match: (mail: ReceivedMail) => boolean, timeoutMs?: number) => Promise<ReceivedMail>;
  stop: () => Promise<void>;
};

export type SinkOptions = {
  /** Answer RCPT TO for an address with this SMTP reply instead of accepting it. */
  rejectRecipient?: (address: string) => { code: number; message: string } | null;
  /** Wait this long before accepting each message (to catch a worker mid-batch). */
  delayMs?: number;
};

export async function startSmtpSink(options: SinkOptions = {}): Promise<SmtpSink> {
  const messages: ReceivedMail[] = [];
  const transactions: Transaction[] = [];
  const begun = new Map<string, number>();
  const waiters: (() => void)[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onMailFrom(_address, session, callback) {
      begun.set(session.id, Date.now());
      callback();
    },
    onRcptTo(address, session, callback) {
      transactions.push({ at: begun.get(session.id) ?? Date.now(), to: address.address });
      const refusal = options.rejectRecipient?.(address.address);
      if (!refusal) return callback();
      const error = new Error(refusal.message) as Error & { responseCode: number };
      error.responseCode = refusal.code;
      callback(error);
    },
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then(async (mail) => {
          if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
          const html = typeof mail.html === "string" ? mail.html : "";
          messages.push({
            to: Array.isArray(mail.to) ? mail.to.map((to) => to.text).join(", ") : (mail.to?.text ?? ""),
            subject: mail.subject ?? "",
            html,
            text: mail.text ?? "",
            links: [...html.matchAll(/href="([^"]+)"/g)].map((match) => match[1]!.replace(/&amp;/g, "&")),
            messageId: mail.messageId ?? "",
            headers: new Map(mail.headerLines.map((line) => [line.key, line.line.slice(line.key.length + 1).trim()])),
          });
          for (const wake of waiters.splice(0)) wake();
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  const sockets = new Set<Socket>();
  let opened = 0;
  server.server.on("connection", (socket: Socket) => {
    opened++;
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  // A client killed mid-transaction (the crash tests do it on purpose) resets its connection.
  server.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "ECONNRESET") throw error;
  });
  const port = await new Promise<number>((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const address = server.server.address();
      resolve(typeof address === "object" && address ? address.port : 0);
    }),
  );
  const waitFor: SmtpSink["waitFor"] = async (match, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = messages.find(match);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `no matching email within ${timeoutMs} ms (got: ${messages.map((m) => m.subject).join(" | ")})`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  };
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    transactions,
    connections: () => opened,
    dropConnections: () => {
      for (const socket of sockets) socket.destroy();
    },
    waitFor,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
