// Google Consent Mode v2: every storage but security denied before any tag runs, then updated
// from each choice through the categories' `consentMode` keys.
import type { CookieCategory } from "./types";

type Gtag = (...args: unknown[]) => void;
type ConsentValue = "granted" | "denied";

const KEYS = [
  "ad_storage",
  "ad_user_data",
  "ad_personalization",
  "analytics_storage",
  "functionality_storage",
  "personalization_storage",
  "security_storage",
];

/** The page's gtag, or Google's own shim when there is none yet. gtag.js reads `arguments`
 * objects from the dataLayer, not arrays, hence the old-style function. */
function gtag(): Gtag {
  const page = window as unknown as { dataLayer?: unknown[]; gtag?: Gtag };
  const dataLayer = (page.dataLayer = page.dataLayer || []);
  if (typeof page.gtag !== "function") {
    page.gtag = function () {
      // eslint-disable-next-line prefer-rest-params
      dataLayer.push(arguments);
    };
  }
  return page.gtag;
}

/** Every key the categories grant, granted when one of its categories is accepted; security
 * storage stays granted (it is what keeps the site safe, never a tracker). */
export function consentModeState(
  categories: Pick<CookieCategory, "key" | "consentMode">[],
  accepted: Record<string, boolean>,
): Record<string, ConsentValue> {
  const state: Record<string, ConsentValue> = {};
  for (const key of KEYS) state[key] = key === "security_storage" ? "granted" : "denied";
  for (const category of categories) {
    if (accepted[category.key]) for (const key of category.consentMode) state[key] = "granted";
  }
  return state;
}

export function setConsentModeDefaults(): void {
  // `wait_for_update`: tags already on the page wait this long for our update before firing.
  gtag()("consent", "default", { ...consentModeState([], {}), wait_for_update: 500 });
}

export function updateConsentMode(state: Record<string, ConsentValue>): void {
  gtag()("consent", "update", state);
}
