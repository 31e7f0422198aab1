// Mesure's cookie banner, the script a brand embeds on its site:
//
//   <script src="https://mesure.example/embed/v1.js" data-brand="demo"></script>
//
// Put it FIRST in <head>, before any tag (Google tag, Tag Manager, pixels): as it runs it sets
// Google Consent Mode v2 to "denied" (security storage aside), and a tag that ran earlier would
// have run unconstrained. `async` is fine when every tag waits as a blocked script, not when a
// Google tag loads unblocked under Consent Mode: then load this script synchronously.
//   - data-locale="fr|en": the banner's language (default: <html lang>, the browser's, the brand's first)
//   - <script type="text/plain" data-category="analytics" src="…">: runs once analytics is accepted
//   - Mesure.consent.get(), Mesure.consent.onChange(fn) → unsubscribe, Mesure.consent.open();
//     a `mesure:consent` event on window after each choice
//   - Mesure.portal.open(url?), Mesure.portal.close(), <div data-mesure-portal data-url="…">: the
//     customer's portal in a modal or inline (portal-launcher.ts)
// A choice lives in the first-party cookie `mesure_consent` (written only when a choice is made)
// and on Mesure's server, which shares it between the devices of a visitor the brand identified.
import { showBanner } from "./banner";
import { afterParsing, runAcceptedScripts, watchBlockedScripts } from "./blocked-scripts";
import { acceptedCategories, fromServerChoice, grantedCategories, isChoiceCurrent, sameDecision } from "./choice-rules";
import { consentModeState, setConsentModeDefaults, updateConsentMode } from "./consent-mode";
import {
  CONSENT_COOKIE,
  consentCookie,
  cookieDeletions,
  cookieNames,
  newVisitorId,
  parseStoredChoice,
  readCookie,
} from "./cookies";
import { portalLauncher, type PortalApi } from "./portal-launcher";
import { fetchConfig, postChoice } from "./server";
import { loadConfig, saveConfig } from "./storage";
import { pickLocale } from "./texts";
import type { ConsentState, EmbedConfig, Method, StoredChoice } from "./types";

type Listener = (consent: ConsentState | null) => void;
type ConsentApi = { get: () => ConsentState | null; onChange: (listener: Listener) => () => void; open: () => void };
type Page = Window & { Mesure?: { consent?: ConsentApi; portal?: PortalApi } };

const page = window as Page;
// Loaded twice (a theme and a tag manager both adding it): the first copy does the work.
if (!(page.Mesure && page.Mesure.consent)) {
  start(
    (document.currentScript as HTMLScriptElement | null) ||
      document.querySelector<HTMLScriptElement>('script[data-brand][src*="/embed/v1"]'),
  );
}

function start(script: HTMLScriptElement | null): void {
  setConsentModeDefaults();
  const slug = script && script.src ? script.getAttribute("data-brand") : null;
  if (!script || !slug) {
    console.error("Mesure: the banner script needs a src and a data-brand attribute");
    return;
  }
  const brand: string = slug;
  const base = new URL(script.src).origin;
  const nonce = script.nonce || "";
  const secure = location.protocol === "https:";
  const gpcSignal = (navigator as Navigator & { globalPrivacyControl?: boolean }).globalPrivacyControl === true;
  const listeners: Listener[] = [];
  let config = loadConfig(brand);
  let applied: StoredChoice | null = null;
  let hide: (() => void) | null = null;

  const readStored = () => parseStoredChoice(readCookie(document.cookie, CONSENT_COOKIE));
  const store = (choice: StoredChoice) => {
    document.cookie = consentCookie(choice, secure);
  };
  const underGpc = () => gpcSignal || !!(config && config.gpc);
  const granted = (choice: StoredChoice) => grantedCategories(choice, config ? config.categories : [], underGpc());
  const locale = () =>
    pickLocale(
      [script.getAttribute("data-locale"), document.documentElement.lang, navigator.language],
      config ? config.locales : [],
    );
  const setConfig = (fresh: EmbedConfig) => {
    config = fresh;
    saveConfig(brand, fresh);
  };

  function get(): ConsentState | null {
    return (
      applied && {
        categories: granted(applied),
        policyVersion: applied.p,
        at: new Date(applied.t).toISOString(),
        method: applied.m,
      }
    );
  }

  function onChange(listener: Listener): () => void {
    listeners.push(listener);
    return () => {
      const at = listeners.indexOf(listener);
      if (at >= 0) listeners.splice(at, 1);
    };
  }

  function notify(): void {
    for (const listener of listeners.slice()) {
      try {
        listener(get());
      } catch (error) {
        // One broken listener must not keep the others (or the banner) from working.
        console.error(error);
      }
    }
    page.dispatchEvent(new CustomEvent("mesure:consent", { detail: get() }));
  }

  /** Puts a choice (or none: everything optional refused until the person answers) in force. */
  function apply(choice: StoredChoice | null): void {
    const changed =
      applied === null || choice === null
        ? applied !== choice
        : applied.t !== choice.t || applied.m !== choice.m || !sameDecision(applied, choice);
    applied = choice;
    const accepted = choice ? granted(choice) : {};
    const categories = config ? config.categories : [];
    if (changed) updateConsentMode(consentModeState(categories, accepted));
    if (choice) {
      afterParsing(() => {
        if (applied) runAcceptedScripts(granted(applied));
      });
      // Every time, not only on a change: a tag outside our control may have set them again.
      let refused: string[] = [];
      for (const category of categories) {
        if (!category.required && !accepted[category.key]) refused = refused.concat(category.cookies);
      }
      const where = { hostname: location.hostname, pathname: location.pathname, secure };
      for (const deletion of cookieDeletions(cookieNames(document.cookie), refused, where)) document.cookie = deletion;
    }
    if (changed) notify();
  }

  function send(choice: StoredChoice): void {
    postChoice(base, {
      brand,
      visitor: choice.v,
      policyVersion: choice.p,
      locale: locale(),
      method: choice.m,
      categories: acceptedCategories(choice),
      gpc: underGpc(),
    }).then(
      (answer) => {
        if (!answer) return;
        if ("config" in answer) {
          // The policy changed while the banner was up: that choice answered an older text.
          setConfig(answer.config);
          if (applied === choice) apply(null);
          show("first");
        } else if (applied === choice) {
          // The server's clock from now on, so devices compare like with like.
          choice.t = Date.parse(answer.choice.at);
          store(choice);
        }
      },
      // Offline or refused: the cookie keeps the choice and the next page sends it again.
      () => {},
    );
  }

  function choose(method: Method, requested: Record<string, boolean>): void {
    if (!config) return;
    const gpc = underGpc();
    const c: Record<string, 0 | 1> = {};
    for (const category of config.categories) {
      const on =
        category.required ||
        // Under GPC, "accept all" leaves advertising and data sale refused; only switching
        // them on one by one (method custom) overrides the signal.
        (method === "accept_all" ? !(gpc && category.gpc) : method === "custom" && !!requested[category.key]);
      c[category.key] = on ? 1 : 0;
    }
    const previous = applied || readStored();
    const choice: StoredChoice = {
      v: previous ? previous.v : newVisitorId(),
      p: config.policyVersion,
      c,
      t: Date.now(),
      m: method,
    };
    store(choice);
    apply(choice);
    send(choice);
  }

  function show(layer: "first" | "customise"): void {
    if (!config) return;
    if (hide) hide();
    hide = showBanner({
      config,
      locale: locale(),
      gpc: underGpc(),
      nonce,
      current: applied && granted(applied),
      layer,
      choose,
    });
  }

  /** Settles what holds once the server has answered: the newer of this browser's choice and
   * the server's (another device, the portal), if it is still current; otherwise ask. */
  function reconcile(fresh: EmbedConfig): void {
    setConfig(fresh);
    // Read again: another tab may have chosen while the request was out.
    const local = readStored();
    let candidate = local;
    let resend = false;
    if (local) {
      const remote = fresh.choice && fromServerChoice(fresh.choice, local.v);
      const same = remote && sameDecision(local, remote);
      if (remote && !same && remote.t > local.t) candidate = remote;
      // The server never heard of this choice (it was made offline): tell it now.
      else if (!same) resend = true;
    }
    if (candidate && isChoiceCurrent(candidate, fresh, Date.now())) {
      if (candidate !== local) store(candidate);
      apply(candidate);
      if (resend) send(candidate);
    } else {
      apply(null);
      show("first");
    }
  }

  function load(): Promise<EmbedConfig | null> {
    const stored = applied || readStored();
    return fetchConfig(base, brand, stored ? stored.v : null).then(
      (fresh) => {
        reconcile(fresh);
        return fresh;
      },
      (error: unknown) => {
        console.error(error);
        // Without the brand's texts there is nothing honest to show: everything optional stays
        // refused. With the last configuration seen, the banner can still ask.
        if (!applied && config) show("first");
        return null;
      },
    );
  }

  function open(): void {
    if (config) show("customise");
    else
      void loading
        .then((fresh) => fresh || (loading = load()))
        .then((fresh) => {
          if (fresh) show("customise");
        });
  }

  const portal = portalLauncher({ base, brand, nonce, config: () => config, locale });
  page.Mesure = page.Mesure || {};
  page.Mesure.consent = { get, onChange, open };
  page.Mesure.portal = { open: portal.open, close: portal.close };
  watchBlockedScripts(() => applied && granted(applied), portal.mount);
  afterParsing(() => portal.mount(document));
  // A choice this browser holds that still holds under the last configuration seen takes effect
  // at once; the server's answer may then replace it.
  const stored = readStored();
  if (stored && config && isChoiceCurrent(stored, config, Date.now())) apply(stored);
  let loading = load();
}
