// `mesure vapid-keys`: a fresh VAPID key pair for Web Push, as the two lines of environment an
// operator pastes into every process's configuration (all processes must share one pair).
import { generateVapidKeys } from "~/lib/vapid.server";
import { parse } from "./args";

export function vapidKeysCommand(argv: string[], out: (line: string) => void): void {
  parse(argv, {});
  const pair = generateVapidKeys();
  out(`VAPID_PUBLIC_KEY=${pair.publicKey}`);
  out(`VAPID_PRIVATE_KEY=${pair.privateKey}`);
}
