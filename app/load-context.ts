// What the HTTP layer hands every loader and action besides the request.
import "@remix-run/node";
import type { Db } from "~/db/client.server";
import type { DecisionService } from "~/decisions/service.server";
import type { SnapshotStore } from "~/decisions/snapshot.server";
import type { MailCatcher } from "~/lib/mail-catcher.server";
import type { Mailer } from "~/lib/mailer.server";
import type { RateLimiter } from "~/lib/rate-limit";
import type { EmbedBrands } from "~/privacy/embed-brands.server";

/** The process's shared services, handed to every loader and action. */
export type Services = {
  db: Db;
  store: SnapshotStore;
  decisions: DecisionService;
  /** Signs links, sessions and CSRF tokens. */
  secret: string;
  /** Where people reach Mesure, without a trailing slash. */
  publicUrl: string;
  mailer: Mailer;
  /** The in-process SMTP server of the local run (no SMTP_URL), shown at /dev/mail. */
  mailCatcher: MailCatcher | null;
  /** Web Push: the VAPID public key browsers subscribe with. */
  push: { publicKey: string };
  /** Sign-in for SMS inbound webhooks (Twilio signs each with the account's auth token). */
  sms: { authToken: string } | null;
  /** The banner's brand settings, cached (app/privacy/embed-brands.server.ts). */
  embedBrands: EmbedBrands;
  limits: {
    /** Sign-in links asked for, per address and per client address. */
    magicLinkPerEmail: RateLimiter;
    magicLinkPerIp: RateLimiter;
    /** The cookie banner's public endpoints (/embed/v1/*), per client address. */
    embedPerIp: RateLimiter;
    /** Refused API keys per client address: one count for the decision endpoints and every API route. */
    apiFailedAuthPerIp: RateLimiter;
  };
};

declare module "@remix-run/node" {
  interface AppLoadContext {
    /** The nonce of this request's Content-Security-Policy, for inline scripts. */
    cspNonce: string;
    /** The token this browser's forms must carry (app/lib/csrf.server.ts). */
    csrf: string;
    /** The client's address, for rate limits. */
    clientIp: string;
    /**
     * Lets these origins (the brand's declared sites) show this response in a frame: the
     * page's Content-Security-Policy gets `frame-ancestors <origins>` instead of 'none', and
     * X-Frame-Options goes. Every page not calling it stays unframeable.
     */
    allowFraming: (origins: string[]) => void;
    services: Services;
  }
}

// Single fetch (remix.config.js): loaders and actions return plain data, typed as such.
declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}
