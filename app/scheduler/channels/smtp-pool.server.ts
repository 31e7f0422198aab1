// A small pool of SMTP connections that asks, on a connection already greeted and ready, whether
// the message may still go, and only then begins its transaction (MAIL FROM). nodemailer's own
// pool cannot wait for an answer at that point: it would begin a message queued behind a busy
// or still-connecting connection long after the check, and a withdrawal in between would be
// missed. nodemailer still composes the message (MIME, headers, Message-ID); this transport
// only carries it, over nodemailer's SMTPConnection.
import type { Readable } from "node:stream";
import { parseConnectionUrl } from "nodemailer/lib/shared";
import SMTPConnection from "nodemailer/lib/smtp-connection";

type SmtpError = Error & { code?: string; responseCode?: number };

/** What nodemailer hands a custom transport: the composed message and the sendMail options. */
type ComposedMail = {
  data: { begin?: () => Promise<boolean> };
  message: {
    getEnvelope(): { from: string | false; to: string[] };
    messageId(): string;
    createReadStream(): Readable;
  };
};
type Sent = { envelope: { from: string | false; to: string[] }; messageId: string; response?: string };

/** The error a withdrawn message fails with: nothing was sent. */
export class WithdrawnError extends Error {
  readonly code = "EWITHDRAWN";
}

type Live = { connection: SMTPConnection; alive: boolean; used: number; discarded?: boolean };

/** The connection failed, not the message. */
const connectionLost = (error: SmtpError) =>
  ["ECONNECTION", "ESOCKET", "ETIMEDOUT"].includes(error.code ?? "") || error.responseCode === 421;

export class GatedSmtpTransport {
  readonly name = "mesure-gated-smtp";
  readonly version = "1";
  private readonly options: ConstructorParameters<typeof SMTPConnection>[0];
  private readonly auth: { user: string; pass: string } | undefined;
  private readonly idle: Live[] = [];
  private readonly waiting: ((live: Live | null) => void)[] = [];
  private open = 0;
  private closed = false;

  constructor(
    url: string,
    private readonly maxConnections: number,
    extra: Partial<ConstructorParameters<typeof SMTPConnection>[0]> = {},
  ) {
    const parsed = parseConnectionUrl(url) as { auth?: { user?: string; pass?: string } } & Record<string, unknown>;
    const { auth, ...rest } = parsed;
    this.auth = auth?.user ? { user: auth.user, pass: auth.pass ?? "" } : undefined;
    this.options = { ...rest, ...extra };
  }

  /** nodemailer's custom-transport entry point. */
  send(mail: ComposedMail, callback: (error: Error | null, info?: Sent) => void): void {
    this.carry(mail).then(
      (info) => callback(null, info),
      (error: Error) => callback(error),
    );
  }

  close(): void {
    this.closed = true;
    for (const live of this.idle.splice(0)) live.connection.quit();
    for (const wake of this.waiting.splice(0)) wake(null);
  }

  private async carry(mail: ComposedMail): Promise<Sent> {
    let live = await this.acquire();
    if (!(await (mail.data.begin?.() ?? Promise.resolve(true)))) {
      this.release(live);
      throw new WithdrawnError("withdrawn before it was sent");
    }
    const envelope = mail.message.getEnvelope();
    for (let attempt = 0; ; attempt++) {
      const stream = mail.message.createReadStream();
      try {
        const info = await this.transfer(live, envelope, stream);
        this.release(live);
        return { envelope, messageId: mail.message.messageId(), response: info.response };
      } catch (error) {
        const failure = error as SmtpError;
        // A kept connection the server had closed meanwhile: not a byte of this message was
        // taken, so it goes over a fresh connection (once), as nodemailer's pool does.
        if (attempt === 0 && live.used > 1 && !stream.readableDidRead && connectionLost(failure)) {
          this.discard(live);
          live = await this.acquire();
          continue;
        }
        // The server refused this message; the connection is fine once reset.
        if (
          (failure.code === "EENVELOPE" || failure.code === "EMESSAGE") &&
          failure.responseCode !== 421 &&
          live.alive
        ) {
          live.connection.reset((resetError) => (resetError ? this.discard(live) : this.release(live)));
        } else {
          this.discard(live);
        }
        throw failure;
      }
    }
  }

  private transfer(live: Live, envelope: Sent["envelope"], stream: Readable) {
    return new Promise<{ response?: string }>((resolve, reject) => {
      live.used++;
      live.connection.send(envelope as Parameters<SMTPConnection["send"]>[0], stream, (error, info) =>
        error ? reject(error) : resolve(info),
      );
    });
  }

  private async acquire(): Promise<Live> {
    for (;;) {
      if (this.closed) throw Object.assign(new Error("the SMTP transport is closed"), { code: "ECONNECTION" });
      const ready = this.idle.pop();
      if (ready?.alive) return ready;
      if (ready) continue;
      if (this.open < this.maxConnections) return this.connect();
      const handed = await new Promise<Live | null>((wake) => this.waiting.push(wake));
      if (handed) return handed;
    }
  }

  private connect(): Promise<Live> {
    this.open++;
    const connection = new SMTPConnection(this.options);
    const live: Live = { connection, alive: true, used: 0 };
    // An idle connection the server closes (timeout) only leaves the pool; a busy one's error
    // reaches its send callback too.
    connection.on("error", () => (live.alive = false));
    connection.once("end", () => {
      live.alive = false;
      const index = this.idle.indexOf(live);
      if (index >= 0) {
        this.idle.splice(index, 1);
        live.discarded = true;
        this.forget();
      }
    });
    return new Promise<Live>((resolve, reject) => {
      const fail = (error: Error) => {
        this.discard(live);
        reject(error);
      };
      connection.connect((error) => {
        if (error) return fail(error);
        if (!this.auth || !connection.allowsAuth) return resolve(live);
        connection.login(this.auth, (loginError) => (loginError ? fail(loginError) : resolve(live)));
      });
    });
  }

  private release(live: Live): void {
    if (!live.alive || this.closed) return this.discard(live);
    const next = this.waiting.shift();
    if (next) next(live);
    else this.idle.push(live);
  }

  private discard(live: Live): void {
    if (live.discarded) return;
    live.discarded = true;
    live.alive = false;
    live.connection.close();
    this.forget();
  }

  /** A connection slot is free: a waiting sender may open a new one. */
  private forget(): void {
    this.open = Math.max(0, this.open - 1);
    this.waiting.shift()?.(null);
  }
}
