// Calls to addresses that brands and customers choose: webhook endpoints and erasure connectors
// (an editor types the URL), push services (a customer's browser hands over the endpoint).
// Left alone, any of them could aim Mesure at its own network: the cloud's metadata service at
// 169.254.169.254, a database on 10.x, an admin page on localhost. So these calls go through
// `outboundFetch`, which checks every address a host resolves to, at the moment of connecting
// (a check before the call and a connection after it could be told different addresses by DNS),
// and refuses private, loopback, link-local and reserved ones unless the operator allows them
// (OUTBOUND_PRIVATE_ADDRESSES=allow: a self-hosted Mesure beside the brand's own systems, or a
// local run, where it is the default because Mesure itself is served over plain http).
import dns from "node:dns";
import net from "node:net";
import { Agent, fetch as undiciFetch } from "undici";

/** Thrown (as the cause of fetch's "fetch failed") when an address is not to be called. */
export class RefusedAddressError extends Error {
  readonly code = "ERR_PRIVATE_ADDRESS";
  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(
      `${host === address ? address : `${host} resolves to ${address}`}, a private or reserved address: ` +
        "not called (OUTBOUND_PRIVATE_ADDRESSES=allow permits it)",
    );
    this.name = "RefusedAddressError";
  }
}

/** The error behind a failed fetch, when it is a refused address. */
export function refusedAddressOf(error: unknown): RefusedAddressError | null {
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause instanceof RefusedAddressError ? cause : error instanceof RefusedAddressError ? error : null;
}

// IANA's special-purpose registries (RFC 6890 and successors): nothing on the public internet.
const reserved = new net.BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8], // "this network"
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local, cloud metadata services
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.88.99.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
] as const) {
  reserved.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["100::", 64], // discard
  ["2001::", 23], // IETF protocol assignments (Teredo, ORCHID…)
  ["2001:db8::", 32], // documentation
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["ff00::", 8], // multicast
] as const) {
  reserved.addSubnet(network, prefix, "ipv6");
}

/** Whether an IP address is on the public internet. IPv4-mapped IPv6 (::ffff:10.0.0.1) is judged as IPv4. */
export function isPublicAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 0) return false;
  if (family === 4) return !reserved.check(address, "ipv4");
  const nat64 = /^64:ff9b::(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (nat64) return isPublicAddress(nat64[1]!);
  // BlockList judges IPv4-mapped IPv6 addresses by the IPv4 rules.
  return !reserved.check(address, "ipv6");
}

let allowPrivate = false;

/** Set once at start-up from OUTBOUND_PRIVATE_ADDRESSES; refused until then. */
export function allowPrivateAddresses(allow: boolean): void {
  allowPrivate = allow;
}

function mayConnect(address: string): boolean {
  return allowPrivate || isPublicAddress(address);
}

/** localhost, 127.x and [::1]: this machine, by name or by address. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === "localhost" || /^127\.\d+\.\d+\.\d+$/.test(hostname) || hostname === "[::1]";
}

/** A URL's hostname as an address or a name: IPv6 without its brackets. */
function bareHost(hostname: string): string {
  return hostname.replace(/^\[|\]$/g, "");
}

/** What the rules of registration say of a host mayRegisterHost refuses (the CLI and the API say it so). */
export const PRIVATE_ADDRESS =
  "must not be a private, loopback or link-local address (OUTBOUND_PRIVATE_ADDRESSES=allow permits them)";

/**
 * Whether a URL's host can be accepted when a brand registers it: false for an address (or a
 * localhost name) that every call would be refused, so the editor hears it beside the field
 * rather than from a failed delivery later. Names are not resolved here: what they resolve to is
 * checked at each connection.
 */
export function mayRegisterHost(hostname: string): boolean {
  if (allowPrivate) return true;
  const host = bareHost(hostname);
  if (net.isIP(host)) return isPublicAddress(host);
  return !/(^|\.)localhost\.?$/i.test(host);
}

type LookupAddress = { address: string; family: number };

// net.connect's `lookup`: resolves as usual, then refuses the connection if any answer is
// private (one private answer among public ones is the trick, not an accident).
const guardedLookup = ((
  hostname: string,
  options: dns.LookupOptions,
  callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
) => {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, options.all ? [] : "");
    const refused = addresses.find((entry) => !mayConnect(entry.address));
    if (refused) return callback(new RefusedAddressError(hostname, refused.address), options.all ? [] : "");
    if (options.all) return callback(null, addresses);
    const first = addresses[0]!;
    callback(null, first.address, first.family);
  });
}) as unknown as net.LookupFunction;

const agent = new Agent({ connect: { lookup: guardedLookup } });

/**
 * fetch() for addresses chosen by others: the same as the global one, except that it will not
 * connect to a private or reserved address (see above). An IP written in the URL is checked here,
 * since no lookup happens for it.
 */
export const outboundFetch: typeof fetch = async (input, init) => {
  const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
  const host = bareHost(url.hostname);
  if (net.isIP(host) && !mayConnect(host)) {
    throw new TypeError("fetch failed", { cause: new RefusedAddressError(host, host) });
  }
  // undici's own fetch, for its `dispatcher`; its Response is the same class in all but type.
  const response = await undiciFetch(url, { ...(init as object), dispatcher: agent } as Parameters<
    typeof undiciFetch
  >[1]);
  return response as unknown as Response;
};
