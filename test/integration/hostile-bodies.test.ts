// Bodies a careless or hostile client sends, many at once, over real HTTP: too large (with and
// without Content-Length, chunked, trickled), malformed, or sent to an endpoint that answers
// before reading them. Each client gets its whole answer, 4xx JSON naming the problem, and never
// a reset connection: a server that answers early keeps reading (and discarding) the rest.
import http from "node:http";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi, type ApiFixture } from "../support/api";
import { testProvider } from "../support/database";

let api: ApiFixture;

beforeAll(async () => {
  api = await startApi({
    EMBED_RATE_LIMIT: "10000",
    AUTH_FAILURES_PER_MINUTE: "10000",
    WORKER: "false",
    // Configured, so the inbound SMS route reads its body (it is never called back).
    TWILIO_ACCOUNT_SID: `AC${"0".repeat(32)}`,
    TWILIO_AUTH_TOKEN: "t".repeat(32),
    TWILIO_FROM: "+33757000000",
    TWILIO_API_URL: "http://127.0.0.1:9",
  });
});
afterAll(async () => {
  await api?.stop();
});

type Outcome = { status: number; type: string | null; body: string; error: string | null };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The answer in `data` once it has all arrived (by Content-Length or chunks), else null. */
function parseAnswer(data: Buffer): Omit<Outcome, "error"> | null {
  const headEnd = data.indexOf("\r\n\r\n");
  if (headEnd < 0) return null;
  const [statusLine, ...lines] = data.subarray(0, headEnd).toString("latin1").split("\r\n");
  const headers = Object.fromEntries(
    lines.map((line) => [line.slice(0, line.indexOf(":")).toLowerCase(), line.slice(line.indexOf(":") + 1).trim()]),
  );
  const status = Number(statusLine!.split(" ")[1]);
  const type = headers["content-type"] ?? null;
  let rest = data.subarray(headEnd + 4);
  if (headers["content-length"] !== undefined) {
    const length = Number(headers["content-length"]);
    return rest.length < length ? null : { status, type, body: rest.subarray(0, length).toString("utf8") };
  }
  const chunks: Buffer[] = [];
  for (;;) {
    const sizeEnd = rest.indexOf("\r\n");
    if (sizeEnd < 0) return null;
    const size = parseInt(rest.subarray(0, sizeEnd).toString("latin1"), 16);
    if (rest.length < sizeEnd + 2 + size + 2) return null;
    if (size === 0) return { status, type, body: Buffer.concat(chunks).toString("utf8") };
    chunks.push(rest.subarray(sizeEnd + 2, sizeEnd + 2 + size));
    rest = rest.subarray(sizeEnd + 2 + size + 2);
  }
}

/**
 * One request on a connection of its own, written over a bare socket so that nothing between
 * the test and the server changes how it behaves: the body goes piece by piece (`pauseMs`
 * between pieces), with a Content-Length or chunked. A plain client writes it all whatever the
 * server does meanwhile, and reads the answer after; a curl-like one stops writing once the
 * answer is there. Any error before both are done is what the client saw.
 */
function send(
  path: string,
  options: {
    method: string;
    headers: Record<string, string>;
    pieces: Buffer[];
    pauseMs?: number;
    /** Declared Content-Length; chunked when undefined. */
    contentLength?: number;
    stopOnAnswer?: boolean;
  },
): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = net.connect(api.server.port, "127.0.0.1");
    let outcome: Outcome | null = null;
    let error: string | null = null;
    let written = false;
    let received = Buffer.alloc(0);
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...(outcome ?? { status: 0, type: null, body: received.toString("utf8").slice(0, 200) }), error });
    };
    // A server that reads no more and never answers: reported, rather than a test timeout.
    const timer = setTimeout(() => {
      error ??= "no answer in 20 s";
      finish();
    }, 20_000);
    socket.on("data", (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      outcome ??= ((answer) => answer && { ...answer, error: null })(parseAnswer(received));
      if (outcome && (written || options.stopOnAnswer)) finish();
    });
    socket.on("error", (failure: NodeJS.ErrnoException) => {
      error ??= failure.code ?? failure.message;
      finish();
    });
    socket.on("close", () => {
      if (!outcome || !written) error ??= outcome ? "closed before the body was written" : "closed without an answer";
      finish();
    });
    const chunked = options.contentLength === undefined;
    const head = [
      `${options.method} ${path} HTTP/1.1`,
      `Host: 127.0.0.1:${api.server.port}`,
      ...Object.entries(options.headers).map(([name, value]) => `${name}: ${value}`),
      chunked ? "Transfer-Encoding: chunked" : `Content-Length: ${options.contentLength}`,
    ];
    const write = (data: Buffer | string) =>
      new Promise<void>((written) => (socket.write(data) ? written() : socket.once("drain", written)));
    void (async () => {
      await write(`${head.join("\r\n")}\r\n\r\n`);
      for (const [i, piece] of options.pieces.entries()) {
        if (socket.destroyed || (options.stopOnAnswer && outcome)) return;
        if (i > 0 && options.pauseMs) await sleep(options.pauseMs);
        await write(
          chunked
            ? Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from("\r\n")])
            : piece,
        );
      }
      if (chunked && !socket.destroyed) await write("0\r\n\r\n");
      written = true;
      if (outcome) finish();
    })();
  });
}

const split = (body: Buffer, size: number) =>
  Array.from({ length: Math.ceil(body.length / size) }, (_, i) => body.subarray(i * size, (i + 1) * size));

/** A JSON object of about `bytes` bytes: valid JSON, far too large for any of these endpoints. */
const large = (bytes: number) => Buffer.from(JSON.stringify({ brand: "demo", pad: "x".repeat(bytes) }));
const malformed = Buffer.from('{"brand": "demo", "visitor": "v", "customer": "cust-camille", ');

type Endpoint = { name: string; path: string; method: string; headers: () => Record<string, string> };

const endpoints: Endpoint[] = [
  {
    name: "the banner's choices",
    path: "/embed/v1/choices",
    method: "POST",
    headers: () => ({ "Content-Type": "text/plain" }),
  },
  {
    name: "a decision",
    path: "/api/v1/decisions",
    method: "POST",
    headers: () => ({ "Content-Type": "application/json", Authorization: `Bearer ${api.demoKey}` }),
  },
  {
    name: "a decision without a key (answered before its body is read)",
    path: "/api/v1/decisions",
    method: "POST",
    headers: () => ({ "Content-Type": "application/json" }),
  },
  {
    name: "an API route",
    path: "/api/v1/customers/cust-hostile",
    method: "PUT",
    headers: () => ({ "Content-Type": "application/json", Authorization: `Bearer ${api.demoKey}` }),
  },
  {
    name: "an API route without a key (answered before its body is read)",
    path: "/api/v1/customers/cust-hostile",
    method: "PUT",
    headers: () => ({ "Content-Type": "application/json" }),
  },
  {
    name: "the inbound SMS webhook",
    path: "/api/v1/sms/demo/inbound",
    method: "POST",
    headers: () => ({ "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": "forged" }),
  },
];

type Body = {
  name: string;
  malformed?: boolean;
  options: () => Omit<Parameters<typeof send>[1], "headers" | "method">;
};

const MB = 1024 * 1024;
const bodies: Body[] = [
  {
    name: "1 MB with Content-Length",
    options: () => ({ pieces: split(large(MB), 64 * 1024), contentLength: large(MB).length }),
  },
  { name: "1 MB chunked", options: () => ({ pieces: split(large(MB), 64 * 1024) }) },
  {
    name: "1 MB trickled with Content-Length",
    options: () => ({ pieces: split(large(MB), 32 * 1024), pauseMs: 20, contentLength: large(MB).length }),
  },
  { name: "1 MB trickled, chunked", options: () => ({ pieces: split(large(MB), 32 * 1024), pauseMs: 20 }) },
  {
    name: "1 MB trickled, chunked, until the answer comes",
    options: () => ({ pieces: split(large(MB), 32 * 1024), pauseMs: 20, stopOnAnswer: true }),
  },
  {
    name: "8 MB declared, 16 KB sent, then nothing",
    options: () => ({ pieces: [large(16 * 1024)], contentLength: 8 * MB, stopOnAnswer: true }),
  },
  { name: "malformed JSON, chunked", malformed: true, options: () => ({ pieces: [malformed] }) },
  {
    name: "malformed JSON, trickled",
    malformed: true,
    options: () => ({ pieces: split(malformed, 4), pauseMs: 25, contentLength: malformed.length }),
  },
];

/** What each endpoint answers to each body: the status and the error code it names. */
function expected(endpoint: Endpoint, body: Body): { status: number; code: string } {
  if (endpoint.name.includes("without a key")) return { status: 401, code: "unauthorized" };
  if (!body.malformed) return { status: 413, code: "payload_too_large" };
  // The webhook checks Twilio's signature over the form it read: a forged one is refused.
  if (endpoint.path.includes("/sms/")) return { status: 403, code: "forbidden" };
  return { status: 400, code: "invalid_json" };
}

describe(`hostile bodies, many at once (${testProvider})`, () => {
  it("are each answered with a JSON error naming the problem, on keep-alive and closing connections", async () => {
    const cases = endpoints.flatMap((endpoint) =>
      bodies.flatMap((body) =>
        (["keep-alive", "close"] as const).map((connection) => ({ endpoint, body, connection })),
      ),
    );
    expect(cases.length).toBeGreaterThanOrEqual(8);
    const outcomes = await Promise.all(
      cases.map(({ endpoint, body, connection }) =>
        send(endpoint.path, {
          method: endpoint.method,
          headers: { ...endpoint.headers(), Connection: connection },
          ...body.options(),
        }),
      ),
    );
    const wrong = outcomes.flatMap((outcome, i) => {
      const { endpoint, body, connection } = cases[i]!;
      let code: string | null = null;
      try {
        code = (JSON.parse(outcome.body) as { error: { code: string } }).error.code;
      } catch {
        // not JSON: the body itself is shown
      }
      const seen = {
        error: outcome.error,
        status: outcome.status,
        json: outcome.type?.startsWith("application/json") ?? false,
        code: code ?? outcome.body.slice(0, 200),
      };
      const want = { error: null, json: true, ...expected(endpoint, body) };
      return JSON.stringify(seen) === JSON.stringify({ ...seen, ...want })
        ? []
        : [`${endpoint.name}: ${body.name} (${connection}): ${JSON.stringify(seen)}`];
    });
    expect(wrong).toEqual([]);
  });

  it("keeps a keep-alive connection usable after refusing a body it did not read", async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const call = (headers: Record<string, string>, body: Buffer) =>
      new Promise<{ status: number; socket: unknown }>((resolve, reject) => {
        const req = http.request(new URL("/embed/v1/choices", api.server.url), { method: "POST", agent, headers });
        req.on("error", reject);
        req.on("response", (res) => {
          res.resume();
          res.on("end", () => resolve({ status: res.statusCode!, socket: req.socket }));
        });
        req.end(body);
      });
    const first = await call({ "Content-Type": "text/plain" }, large(256 * 1024));
    const second = await call({ "Content-Type": "text/plain" }, malformed);
    expect([first.status, second.status]).toEqual([413, 400]);
    expect(second.socket).toBe(first.socket);
    agent.destroy();
  });
});
