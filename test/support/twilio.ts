// A local stand-in for Twilio's Messages API (POST /2010-04-01/Accounts/{sid}/Messages.json),
// speaking its wire protocol: Basic auth, form-encoded fields, 201 with the message's JSON, and
// Twilio's error JSON. Some destination numbers fail on purpose, so tests can see each outcome.
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

export type AcceptedMessage = {
  sid: string;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
};

/** Destination numbers that answer something other than 201. */
export const failingNumbers = {
  /** 400, error 21610: the person replied STOP to this sender. */
  stopped: "+15005550010",
  /** 400, error 21211: not a valid phone number. */
  invalid: "+15005550001",
  /** 400, error 21612: this To/From combination cannot be routed. */
  unroutable: "+15005550002",
  /** 400, error 21408: the account may not send to that region. */
  region: "+15005550003",
  /** 500 once, then accepted. */
  flaky: "+15005550020",
  /** 429 with Retry-After: 7, every time. */
  throttled: "+15005550029",
  /** No answer at all (for client timeouts). */
  silent: "+15005550099",
} as const;

export type TwilioServer = {
  url: string;
  accountSid: string;
  authToken: string;
  /** Every message accepted (201), in order. */
  messages: AcceptedMessage[];
  /** Every request seen, accepted or not. */
  requests: { to: string | null; status: number }[];
  stop(): Promise<void>;
};

type Answer = { status: number; body: unknown; headers?: Record<string, string> };

const twilioError = (status: number, code: number, message: string): Answer => ({
  status,
  body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
});

export async function startTwilioServer(): Promise<TwilioServer> {
  const accountSid = `AC${crypto.randomBytes(16).toString("hex")}`;
  const authToken = crypto.randomBytes(16).toString("hex");
  const messages: AcceptedMessage[] = [];
  const requests: TwilioServer["requests"] = [];
  const failedOnce = new Set<string>();
  const hanging = new Set<http.ServerResponse>();

  const answerFor = (req: http.IncomingMessage, form: URLSearchParams): Answer | "hang" => {
    if (req.method !== "POST" || req.url !== `/2010-04-01/Accounts/${accountSid}/Messages.json`) {
      return twilioError(404, 20404, "The requested resource was not found");
    }
    if (req.headers.authorization !== `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString("base64")}`) {
      return twilioError(401, 20003, "Authenticate");
    }
    if (!(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) {
      return twilioError(400, 21601, "Unsupported content type");
    }
    const to = form.get("To");
    const from = form.get("From");
    const service = form.get("MessagingServiceSid");
    const body = form.get("Body") ?? "";
    if (!to) return twilioError(400, 21604, "A 'To' phone number is required.");
    if (!from && !service) return twilioError(400, 21603, "A 'From' phone number is required.");
    if (!body) return twilioError(400, 21602, "Message body is required.");
    if (body.length > 1600)
      return twilioError(400, 21617, "The concatenated message body exceeds the 1600 character limit.");
    switch (to) {
      case failingNumbers.stopped:
        return twilioError(400, 21610, "Attempt to send to unsubscribed recipient");
      case failingNumbers.invalid:
        return twilioError(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
      case failingNumbers.unroutable:
        return twilioError(
          400,
          21612,
          "The 'To' phone number is not currently reachable using the 'From' phone number via SMS.",
        );
      case failingNumbers.region:
        return twilioError(
          400,
          21408,
          "Permission to send an SMS has not been enabled for the region indicated by the 'To' number",
        );
      case failingNumbers.throttled:
        return { ...twilioError(429, 20429, "Too Many Requests"), headers: { "Retry-After": "7" } };
      case failingNumbers.silent:
        return "hang";
      case failingNumbers.flaky:
        if (!failedOnce.has(to)) {
          failedOnce.add(to);
          return twilioError(500, 20500, "Internal Server Error");
        }
    }
    const sid = `SM${crypto.randomBytes(16).toString("hex")}`;
    messages.push({ sid, to, from, messagingServiceSid: service, body });
    return {
      status: 201,
      body: {
        sid,
        account_sid: accountSid,
        to,
        from,
        messaging_service_sid: service,
        body,
        status: service ? "accepted" : "queued",
        num_segments: String(Math.ceil(body.length / 153)),
        direction: "outbound-api",
        api_version: "2010-04-01",
        date_created: new Date().toUTCString(),
        uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
      },
    };
  };

  const server = http.createServer((req, res) => {
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (raw += chunk));
    req.on("end", () => {
      const form = new URLSearchParams(raw);
      const answer = answerFor(req, form);
      if (answer === "hang") {
        hanging.add(res);
        requests.push({ to: form.get("To"), status: 0 });
        return;
      }
      requests.push({ to: form.get("To"), status: answer.status });
      const text = JSON.stringify(answer.body);
      res.writeHead(answer.status, {
        "Content-Type": "application/json; charset=utf-8",
        "Content-Length": Buffer.byteLength(text),
        ...(answer.status === 401 && { "WWW-Authenticate": 'Basic realm="Twilio API"' }),
        ...answer.headers,
      });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    accountSid,
    authToken,
    messages,
    requests,
    async stop() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
