// What the HTTP layer hands every loader and action besides the request.
import "@remix-run/node";
import type { Db } from "~/db/client.server";
import type { DecisionService } from "~/decisions/service.server";
import type { SnapshotStore } from "~/decisions/snapshot.server";

/** The process's shared services, handed to every loader and action. */
export type Services = { db: Db; store: SnapshotStore; decisions: DecisionService };

declare module "@remix-run/node" {
  interface AppLoadContext {
    /** The nonce of this request's Content-Security-Policy, for inline scripts. */
    cspNonce: string;
    services: Services;
  }
}
