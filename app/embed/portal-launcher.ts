// The customer's portal in a frame on the brand's site, from the same script as the banner:
//   Mesure.portal.open(url?) / Mesure.portal.close(): a modal dialog holding the portal
//   <div data-mesure-portal data-url="…"></div>: the portal inline, in that element
// `url` is a one-time link the brand's backend minted (POST /api/v1/portal-sessions); without
// one, the brand's sign-in page. The frame tells its height (postMessage), which is believed
// only from Mesure's origin and from one of these frames.
import { injectStyles } from "./styles";
import { TEXTS } from "./texts";
import type { EmbedConfig, Locale } from "./types";

export type PortalApi = { open: (url?: string) => void; close: () => void };

type Options = {
  /** Mesure's origin (where the script came from). */
  base: string;
  brand: string;
  nonce: string;
  config: () => EmbedConfig | null;
  locale: () => Locale;
};

const INLINE = "[data-mesure-portal]";

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  return node;
}

/** Text that reads on `hex` (#rrggbb): near-black on light colours, white on dark ones. */
function inkOn(hex: string): string {
  const n = parseInt(hex.slice(1), 16);
  return ((n >> 16) * 299 + ((n >> 8) & 255) * 587 + (n & 255) * 114) / 1000 > 150 ? "#111" : "#fff";
}

export function portalLauncher(options: Options): PortalApi & { mount: (root: Element | Document) => void } {
  const { base } = options;
  const frames: HTMLIFrameElement[] = [];
  let modal: { frame: HTMLIFrameElement; close: () => void } | null = null;

  function frame(url: string | null): HTMLIFrameElement | null {
    const src = new URL(url || "/portal/sign-in?brand=" + encodeURIComponent(options.brand), base);
    // Only Mesure's own pages: a data-url from elsewhere is a mistake, never framed.
    if (src.origin !== base) {
      console.error("Mesure: the portal link must start with " + base);
      return null;
    }
    // The portal checks this against the brand's declared sites before it opens.
    src.searchParams.set("origin", location.origin);
    const node = element("iframe", "mesure-frame");
    node.src = src.href;
    node.title = TEXTS[options.locale()].portal;
    frames.push(node);
    return node;
  }

  addEventListener("message", (event: MessageEvent) => {
    const data = event.data as { type?: unknown; height?: unknown } | null;
    if (event.origin !== base || !data) return;
    for (let i = frames.length - 1; i >= 0; i--) {
      const node = frames[i]!;
      // A frame removed from the page is forgotten, so its window is never matched again.
      if (!node.isConnected) frames.splice(i, 1);
      else if (node.contentWindow === event.source) {
        if (data.type === "mesure:portal:resize" && typeof data.height === "number" && data.height > 0) {
          node.style.height = Math.min(Math.ceil(data.height), 100000) + "px";
        } else if (data.type === "mesure:portal:escape" && modal && modal.frame === node) close();
      }
    }
  });

  function mount(root: Element | Document): void {
    const places: Element[] = Array.from(root.querySelectorAll(INLINE));
    if (root instanceof Element && root.matches(INLINE)) places.unshift(root);
    for (const place of places) {
      if (place.hasAttribute("data-mesure-mounted")) continue;
      place.setAttribute("data-mesure-mounted", "");
      injectStyles(options.nonce);
      const node = frame(place.getAttribute("data-url"));
      if (node) place.appendChild(node);
    }
  }

  function close(): void {
    if (modal) modal.close();
  }

  function open(url?: string): void {
    close();
    const node = frame(url || null);
    if (!node) return;
    const words = TEXTS[options.locale()];
    const config = options.config();
    const theme = (config && config.theme) || { primaryColor: null, accentColor: null };
    const backdrop = element("div", "mesure-backdrop mesure-center");
    const dialog = element("div", "mesure-dialog mesure-sheet");
    dialog.setAttribute("role", "dialog");
    dialog.setAttribute("aria-modal", "true");
    dialog.setAttribute("aria-labelledby", "mesure-portal-title");
    dialog.tabIndex = -1;
    const bar = element("div", "mesure-bar");
    const colour = theme.primaryColor || "#1f1f1f";
    bar.style.background = colour;
    bar.style.color = inkOn(colour);
    if (theme.accentColor) bar.style.borderBottom = "4px solid " + theme.accentColor;
    const title = element("h2", "mesure-title");
    title.id = "mesure-portal-title";
    title.textContent = config ? config.brand.name + " — " + words.portal : words.portal;
    const shut = element("button", "mesure-close");
    shut.type = "button";
    shut.setAttribute("aria-label", words.close);
    shut.textContent = "×";
    shut.onclick = close;
    bar.append(title, shut);
    dialog.append(bar, node);
    backdrop.appendChild(dialog);

    const root = document.documentElement;
    const overflow = root.style.overflow;
    const previous = document.activeElement;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape" || event.key === "Esc") {
        event.preventDefault();
        close();
      } else if (event.key === "Tab") {
        // In this document: the dialog, its close button, then the frame, whose own links follow
        // (and whose keys its document gets). Backwards from the top goes round to the frame.
        const active = document.activeElement;
        if (event.shiftKey ? active === shut || active === dialog : !dialog.contains(active)) {
          event.preventDefault();
          (event.shiftKey ? node : shut).focus();
        }
      }
    };
    // Focus that leaves the dialog (tabbing out of the frame's last link) comes back to it.
    const onFocus = (event: FocusEvent) => {
      if (!dialog.contains(event.target as Node)) shut.focus();
    };
    modal = {
      frame: node,
      close() {
        modal = null;
        document.removeEventListener("keydown", onKey, true);
        document.removeEventListener("focusin", onFocus, true);
        if (backdrop.parentNode) backdrop.parentNode.removeChild(backdrop);
        root.style.overflow = overflow;
        if (previous instanceof HTMLElement && previous.isConnected) previous.focus();
      },
    };
    injectStyles(options.nonce);
    document.body.appendChild(backdrop);
    root.style.overflow = "hidden";
    document.addEventListener("keydown", onKey, true);
    document.addEventListener("focusin", onFocus, true);
    dialog.focus();
  }

  return { open, close, mount };
}
