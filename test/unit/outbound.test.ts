// Calls to addresses chosen by brands and customers never reach a private network unless the
// operator allows it: checked with a real server on 127.0.0.1 that counts the connections it gets.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  allowPrivateAddresses,
  isPublicAddress,
  mayRegisterHost,
  outboundFetch,
  PRIVATE_ADDRESS,
  refusedAddressOf,
} from "~/lib/outbound.server";
import { connectorUrl } from "~/models/connector.server";
import { postSigned } from "~/webhooks/signed-post.server";

describe("isPublicAddress", () => {
  it.each([
    ["8.8.8.8", true],
    ["1.1.1.1", true],
    ["172.32.0.1", true],
    ["2606:4700:4700::1111", true],
    ["::ffff:8.8.8.8", true],
    ["64:ff9b::8.8.8.8", true],
    ["10.1.2.3", false],
    ["127.0.0.1", false],
    ["127.255.0.9", false],
    ["169.254.169.254", false], // cloud metadata
    ["172.16.5.4", false],
    ["172.31.255.255", false],
    ["192.168.1.1", false],
    ["100.64.0.1", false],
    ["0.0.0.0", false],
    ["224.0.0.251", false],
    ["255.255.255.255", false],
    ["::1", false],
    ["::", false],
    ["fe80::1", false],
    ["fd12:3456::1", false],
    ["ff02::1", false],
    ["::ffff:127.0.0.1", false],
    ["::ffff:a9fe:a9fe", false], // 169.254.169.254, written in hex
    ["64:ff9b::10.0.0.1", false],
    ["not-an-address", false],
  ])("%s → %s", (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });
});

describe("mayRegisterHost: what a brand may register, told at once", () => {
  afterEach(() => allowPrivateAddresses(false));

  it("refuses private addresses and localhost names, leaves other names to the connection check", () => {
    for (const host of [
      "10.0.0.5",
      "127.0.0.1",
      "[::1]",
      "[fe80::1]",
      "169.254.169.254",
      "localhost",
      "db.localhost",
    ]) {
      expect(mayRegisterHost(host), host).toBe(false);
    }
    for (const host of ["crm.example.com", "8.8.8.8", "[2606:4700::1111]", "localhost.example.com"]) {
      expect(mayRegisterHost(host), host).toBe(true);
    }
    allowPrivateAddresses(true);
    expect(mayRegisterHost("10.0.0.5")).toBe(true);
    expect(mayRegisterHost("localhost")).toBe(true);
  });

  it("makes a connector's address refused beside the field, with the way to allow it", () => {
    const local = connectorUrl("http://localhost:3000");
    expect(local.safeParse("http://127.0.0.1:9000/erase").error?.issues[0]?.message).toBe(PRIVATE_ADDRESS);
    expect(PRIVATE_ADDRESS).toContain("OUTBOUND_PRIVATE_ADDRESSES=allow");
    expect(local.safeParse("https://crm.example.com/erase").success).toBe(true);
    allowPrivateAddresses(true);
    expect(local.safeParse("http://127.0.0.1:9000/erase").success).toBe(true);
  });
});

describe("outboundFetch", () => {
  let server: http.Server;
  let port: number;
  let connections = 0;

  beforeAll(async () => {
    server = http.createServer((_request, response) => response.end("reached"));
    server.on("connection", () => (connections += 1));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterEach(() => {
    allowPrivateAddresses(false);
    connections = 0;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it.each([
    ["an address in the URL", () => `http://127.0.0.1:${port}/hook`],
    ["a name that resolves to one", () => `http://localhost:${port}/hook`],
    ["an IPv4-mapped IPv6 address", () => `http://[::ffff:127.0.0.1]:${port}/hook`],
  ])("refuses %s, without connecting", async (_case, url) => {
    const error = await outboundFetch(url(), { method: "POST", body: "{}" }).then(
      () => null,
      (failure: unknown) => failure,
    );
    expect(refusedAddressOf(error)?.message).toMatch(
      /^(localhost resolves to )?(127\.0\.0\.1|::1|::ffff:7f00:1), a private/,
    );
    expect(refusedAddressOf(error)?.message).toContain("OUTBOUND_PRIVATE_ADDRESSES=allow");
    expect(connections).toBe(0);
  });

  it("calls a private address when the operator allows it", async () => {
    allowPrivateAddresses(true);
    const response = await outboundFetch(`http://localhost:${port}/hook`, { method: "POST", body: "{}" });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("reached");
    expect(connections).toBe(1);
  });

  it("makes a signed call report the refusal in its outcome, not throw", async () => {
    const outcome = await postSigned({
      url: `http://127.0.0.1:${port}/hook`,
      secret: `whsec_${Buffer.alloc(24, 7).toString("base64")}`,
      id: "msg_1",
      body: "{}",
      now: new Date(),
      userAgent: "Mesure-Test",
      receiver: "webhook endpoint",
    });
    expect(outcome.status).toBeNull();
    expect(outcome.error).toMatch(/^the webhook endpoint's address is refused: 127\.0\.0\.1, a private/);
    expect(connections).toBe(0);
  });
});
