// The process's HTTP server: a bare node:http layer that answers the endpoints which must be
// fast itself (health now, the decision endpoints later), and hands everything else to Express
// and Remix. Every response, from either side, carries the security headers.
import http from "node:http";
import path from "node:path";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import express from "express";
import { databaseIsReachable } from "~/db/health.server";
import { csrfCookie, csrfFor } from "~/lib/csrf.server";
import type { Services } from "~/load-context";
import { clientAddress } from "./client-address";
import { BATCH_PATH, DECISIONS_PATH } from "./decisions.server";
import { limitPageBody, refusePost } from "./page-posts.server";
import {
  createNonce,
  crossSiteCookie,
  documentPolicy,
  framingOrigins,
  lockDownUnlessPage,
  lockedDownPolicy,
  setSecurityHeaders,
  withFrameAncestors,
} from "./security-headers.server";
import { discardUnreadBody } from "./unread-body.server";

export type ServerOptions = {
  build: ServerBuild;
  services: Services;
  /** Answers the decision endpoints, outside Express and Remix. */
  decisions: (req: http.IncomingMessage, res: http.ServerResponse, path: string) => Promise<void>;
  publicUrl: string;
  /** Reverse proxies in front of this server that append to X-Forwarded-For (app/http/client-address.ts). */
  trustedProxies: number;
  mode: "development" | "production" | "test";
  publicDir: string;
};

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
    "Cache-Control": "no-store",
  });
  res.end(text);
}

export function createServer(options: ServerOptions): http.Server {
  const https = options.publicUrl.startsWith("https:");
  const dev = options.mode === "development";

  const app = express();
  app.disable("x-powered-by");
  // Remix's fingerprinted assets never change under one name: cache them for a year.
  app.use(
    "/build",
    express.static(path.join(options.publicDir, "build"), { immutable: true, maxAge: "1y", index: false }),
  );
  // The banner script (public/embed/v1.js): a short cache, so a fix reaches every site within
  // minutes under the same name brands embed.
  const embedFiles = express.static(path.join(options.publicDir, "embed"), {
    maxAge: 300_000,
    index: false,
    setHeaders: (res, file) => {
      if (file.endsWith(".js")) res.setHeader("Content-Type", "text/javascript; charset=utf-8");
    },
  });
  app.use("/embed", (req, res, next) => (path.extname(req.path) ? embedFiles(req, res, next) : next()));
  // Files in public/ all have an extension; pages never do, so they skip the disk look-up.
  const publicFiles = express.static(options.publicDir, { maxAge: "1h", index: false });
  app.use((req, res, next) => (path.extname(req.path) ? publicFiles(req, res, next) : next()));
  app.use((_req, res, next) => {
    lockDownUnlessPage(res);
    next();
  });
  app.all(
    "*",
    createRequestHandler({
      build: options.build,
      mode: options.mode,
      getLoadContext: (req, res) => {
        const csrf = csrfFor(req.headers.cookie, options.services.secret);
        // The embed endpoints are called from brands' sites and have no forms: no cookie there.
        if (csrf.newCookieValue && !req.path.startsWith("/embed/"))
          res.append("Set-Cookie", csrfCookie(csrf.newCookieValue, https));
        return {
          cspNonce: res.locals.cspNonce as string,
          csrf: csrf.token,
          clientIp: clientAddress(req, options.trustedProxies),
          // Headers are still unsent while loaders run: Remix only appends its own afterwards.
          allowFraming: (origins: string[]) => {
            if (res.headersSent) return;
            const policy = res.getHeader("Content-Security-Policy");
            if (typeof policy === "string")
              res.setHeader("Content-Security-Policy", withFrameAncestors(policy, origins));
            // X-Frame-Options cannot name a site: it goes only where some site may frame the page.
            if (framingOrigins(origins).length) res.removeHeader("X-Frame-Options");
            else res.setHeader("X-Frame-Options", "DENY");
          },
          services: options.services,
        };
      },
    }),
  );

  return http.createServer((req, res) => {
    discardUnreadBody(req, res);
    const url = req.url ?? "/";
    const path = url.split("?", 1)[0]!;
    if (path === DECISIONS_PATH || path === BATCH_PATH) {
      setSecurityHeaders(res, { csp: lockedDownPolicy, https });
      void options.decisions(req, res, path);
      return;
    }
    if (path === "/healthz") {
      setSecurityHeaders(res, { csp: lockedDownPolicy, https });
      if (req.method !== "GET" && req.method !== "HEAD") {
        res.setHeader("Allow", "GET, HEAD");
        return sendJson(res, 405, { error: { code: "method_not_allowed", message: "Use GET" } });
      }
      void databaseIsReachable(options.services.db).then((up) =>
        sendJson(
          res,
          up ? 200 : 503,
          up ? { status: "ok", database: "ok" } : { status: "unavailable", database: "unreachable" },
        ),
      );
      return;
    }
    // The banner's script and endpoints serve brands' sites: they check the Origin against the
    // brand's own list (app/lib/api/embed-route.server.ts) and answer JSON, never a page.
    if (path.startsWith("/embed/")) {
      setSecurityHeaders(res, { csp: lockedDownPolicy, https, crossOrigin: true });
      (res as http.ServerResponse & { locals?: Record<string, unknown> }).locals = { cspNonce: "" };
      app(req as express.Request, res as express.Response);
      return;
    }
    // Remix answers a cross-origin form post to a page with a 500; refuse it here, plainly.
    // (The API authenticates with bearer keys, which a browser never adds on its own.)
    const form = req.method !== "GET" && req.method !== "HEAD" && !path.startsWith("/api/");
    if (form && isCrossOrigin(req, options.services.publicUrl)) {
      setSecurityHeaders(res, { csp: lockedDownPolicy, https });
      return refusePost(req, res, "crossOrigin");
    }
    // That check knows PUBLIC_URL; Remix's own compares Origin with Host (or X-Forwarded-Host)
    // and answers a difference with a 500, as behind a proxy that passes its own Host. The
    // check above has decided: Remix is not asked again.
    if (form) delete req.headers.origin;
    const nonce = createNonce();
    setSecurityHeaders(res, { csp: documentPolicy(nonce, { dev }), https });
    if (req.headers["sec-fetch-dest"] === "iframe") keepCookiesInFrame(res);
    (res as http.ServerResponse & { locals?: Record<string, unknown> }).locals = { cspNonce: nonce };
    if (form) return limitPageBody(req, res, path, (body) => app(body as express.Request, res as express.Response));
    app(req as express.Request, res as express.Response);
  });
}

/**
 * A page loaded in a frame (the portal inside a brand's site) sets its cookies (CSRF id,
 * language, session) as cross-site cookies partitioned by that site: SameSite=Lax ones would be
 * neither stored nor sent there, and the forms inside the frame would all fail their CSRF check.
 */
function keepCookiesInFrame(res: http.ServerResponse): void {
  const setHeader = res.setHeader.bind(res);
  res.setHeader = (name, value) => {
    if (name.toLowerCase() !== "set-cookie") return setHeader(name, value);
    const cookies = Array.isArray(value) ? value : [String(value)];
    return setHeader(name, cookies.map(crossSiteCookie));
  };
}

/** A browser request whose Origin is neither this site's public address nor the host it asked. */
function isCrossOrigin(req: http.IncomingMessage, publicUrl: string): boolean {
  const origin = req.headers.origin;
  if (!origin) return false;
  if (origin === new URL(publicUrl).origin) return false;
  const host = req.headers.host;
  return !(host && (origin === `http://${host}` || origin === `https://${host}`));
}
