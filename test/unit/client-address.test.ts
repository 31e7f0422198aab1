// Which address a request is counted under by rate limits: the connection's peer unless the
// operator says reverse proxies stand in front, and then only what those proxies wrote.
import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { clientAddress } from "~/http/client-address";

function request(peer: string | undefined, forwardedFor?: string | string[]): IncomingMessage {
  return {
    socket: { remoteAddress: peer },
    headers: forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor },
  } as unknown as IncomingMessage;
}

describe("clientAddress", () => {
  it("is the connection's peer when no proxy is trusted, whatever X-Forwarded-For claims", () => {
    expect(clientAddress(request("203.0.113.9"), 0)).toBe("203.0.113.9");
    expect(clientAddress(request("203.0.113.9", "198.51.100.1"), 0)).toBe("203.0.113.9");
    expect(clientAddress(request(undefined), 0)).toBe("unknown");
  });

  it("behind one proxy, is the address that proxy appended, not what the client wrote before it", () => {
    expect(clientAddress(request("10.0.0.2", "198.51.100.7"), 1)).toBe("198.51.100.7");
    // The client sent "X-Forwarded-For: 1.2.3.4"; the proxy appended the real address.
    expect(clientAddress(request("10.0.0.2", "1.2.3.4, 198.51.100.7"), 1)).toBe("198.51.100.7");
    expect(clientAddress(request("10.0.0.2", ["1.2.3.4", "198.51.100.7"]), 1)).toBe("198.51.100.7");
  });

  it("behind two proxies, skips the inner one's entry", () => {
    expect(clientAddress(request("10.0.0.3", "1.2.3.4, 198.51.100.7, 10.0.0.2"), 2)).toBe("198.51.100.7");
  });

  it("falls back to the leftmost entry when the chain is shorter than the proxies declared", () => {
    expect(clientAddress(request("10.0.0.2", "198.51.100.7"), 3)).toBe("198.51.100.7");
    expect(clientAddress(request("10.0.0.2"), 1)).toBe("10.0.0.2");
    expect(clientAddress(request("10.0.0.2", " , "), 1)).toBe("10.0.0.2");
  });
});
