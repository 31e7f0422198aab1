// Security headers on every response. Pages get a Content-Security-Policy with a per-request
// nonce (the only inline scripts allowed are Remix's own, which carry it); everything else
// gets a policy that allows nothing, since JSON and plain text never need to run code.
import crypto from "node:crypto";
import type { ServerResponse } from "node:http";

export function createNonce(): string {
  return crypto.randomBytes(16).toString("base64");
}

const common: Record<string, string> = {
  "X-Content-Type-Options": "nosniff",
  // Links carry signed tokens in their query string; never hand them to another site. Not
  // "no-referrer": with it, browsers send `Origin: null` on our own form posts, which the
  // cross-origin check (server.server.ts) must then refuse.
  "Referrer-Policy": "same-origin",
  "X-Frame-Options": "DENY",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Resource-Policy": "same-origin",
  "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
};

export function documentPolicy(nonce: string, options: { dev?: boolean } = {}): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data: https:",
    "font-src 'self'",
    // The dev server's live reload talks over a WebSocket on another port.
    options.dev ? "connect-src 'self' ws:" : "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "object-src 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export const lockedDownPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

// An origin as Brand.embedOrigins stores it (scheme, host, port; no path): anything else could
// smuggle another directive or source into the header, so it is left out rather than trusted.
const FRAMING_ORIGIN = /^https?:\/\/(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** The origins that may frame a page, of those given: only well-formed ones, once each. */
export function framingOrigins(origins: readonly string[]): string[] {
  return [...new Set(origins.filter((origin) => FRAMING_ORIGIN.test(origin)))];
}

/** `policy` with `frame-ancestors` set to these origins; 'none' when none of them is an origin. */
export function withFrameAncestors(policy: string, origins: readonly string[]): string {
  const sources = framingOrigins(origins);
  const directive = `frame-ancestors ${sources.length ? sources.join(" ") : "'none'"}`;
  const kept = policy
    .split(";")
    .map((part) => part.trim())
    .filter((part) => part && !/^frame-ancestors(\s|$)/i.test(part));
  return [...kept, directive].join("; ");
}

/**
 * A cookie that a page shown in a frame on another site can keep: without SameSite=None the
 * browser neither stores nor sends it there, and without Partitioned (CHIPS) Chromium drops it
 * as a third-party cookie. Partitioned, it lives in a jar of that site's own, so it follows
 * nobody to another site. (Secure cookies are accepted on http://localhost too.)
 */
export function crossSiteCookie(cookie: string): string {
  const [pair = "", ...attributes] = cookie.split(";").map((part) => part.trim());
  const kept = attributes.filter((part) => part && !/^(samesite|secure|partitioned)(=|$)/i.test(part));
  return [pair, ...kept, "SameSite=None", "Secure", "Partitioned"].join("; ");
}

/**
 * Remix answers pages and resource routes (JSON, CSV, XML, redirects) alike, and which it is
 * shows only in the answer's Content-Type: anything but HTML gets the policy that allows
 * nothing, as the node:http layer's own JSON does, instead of the page's.
 */
export function lockDownUnlessPage(res: ServerResponse): void {
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, ...args: Parameters<ServerResponse["writeHead"]>) {
    if (!/^text\/html(;|$)/i.test(String(res.getHeader("Content-Type") ?? "").trim()))
      res.setHeader("Content-Security-Policy", lockedDownPolicy);
    return writeHead.apply(this, args);
  } as ServerResponse["writeHead"];
}

export function setSecurityHeaders(
  res: ServerResponse,
  options: { csp: string; https: boolean; crossOrigin?: boolean },
): void {
  for (const [name, value] of Object.entries(common)) res.setHeader(name, value);
  // The banner script and its endpoints are loaded by brands' sites: same-origin CORP would
  // have the browser refuse the script (CORS still decides who may read the JSON).
  if (options.crossOrigin) res.setHeader("Cross-Origin-Resource-Policy", "cross-origin");
  res.setHeader("Content-Security-Policy", options.csp);
  if (options.https) res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
}
