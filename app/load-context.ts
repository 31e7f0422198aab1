// What the HTTP layer hands every loader and action besides the request.
import "@remix-run/node";

declare module "@remix-run/node" {
  interface AppLoadContext {
    /** The nonce of this request's Content-Security-Policy, for inline scripts. */
    cspNonce: string;
  }
}
