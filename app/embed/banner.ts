// The banner's modal dialog: a first layer (accept all, reject all, customise: one look for all
// three), a second with one switch per category, and a modal dialog's keyboard behaviour (focus
// moved in and kept there, Escape closes, focus given back afterwards).
import { injectStyles } from "./styles";
import { TEXTS } from "./texts";
import type { EmbedConfig, Locale, Method } from "./types";

export type BannerOptions = {
  config: EmbedConfig;
  locale: Locale;
  /** Global Privacy Control is on: say that it is honoured. */
  gpc: boolean;
  nonce: string;
  /** The choice in force, which the switches start from; null when there is none, and then
   * closing the banner is refusing. */
  current: Record<string, boolean> | null;
  layer: "first" | "customise";
  choose: (method: Method, categories: Record<string, boolean>) => void;
};

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = "mesure-" + className;
  // Brand texts go in as text, never as markup.
  if (text != null) node.textContent = text;
  return node;
}

/** Shows the banner; returns the function that takes it away. */
export function showBanner(options: BannerOptions): () => void {
  const { config, locale, current } = options;
  const words = TEXTS[locale];
  const texts = config.texts[locale];
  const backdrop = element("div", "backdrop");
  const dialog = element("div", "dialog");
  dialog.setAttribute("role", "dialog");
  dialog.setAttribute("aria-modal", "true");
  dialog.setAttribute("aria-labelledby", "mesure-title");
  dialog.setAttribute("aria-describedby", "mesure-body");
  dialog.setAttribute("lang", locale);
  dialog.tabIndex = -1;
  backdrop.appendChild(dialog);
  let previous: Element | null = null;
  let removed = false;

  function remove(): void {
    if (removed) return;
    removed = true;
    document.removeEventListener("keydown", onKey, true);
    document.removeEventListener("focusin", onFocus, true);
    if (backdrop.parentNode) backdrop.parentNode.removeChild(backdrop);
    if (previous instanceof HTMLElement && previous !== document.body && previous.isConnected) previous.focus();
  }

  function decide(method: Method, categories: Record<string, boolean>): void {
    remove();
    options.choose(method, categories);
  }

  // Closing the first ask is refusing; closing the settings reopened later keeps the choice.
  function close(): void {
    if (current) remove();
    else decide("dismiss", {});
  }

  function focusables(): HTMLElement[] {
    return Array.from(dialog.querySelectorAll<HTMLElement>("button,input:not([disabled]),a[href]"));
  }

  function focusFirstSwitch(): void {
    (dialog.querySelector<HTMLElement>("input:not([disabled])") || dialog).focus();
  }

  function render(layer: "first" | "customise"): void {
    dialog.textContent = "";
    const closeButton = element("button", "close");
    closeButton.type = "button";
    closeButton.setAttribute("aria-label", current ? words.close : words.closeRefusing);
    const cross = element("span", "cross", "×");
    cross.setAttribute("aria-hidden", "true");
    closeButton.appendChild(cross);
    closeButton.onclick = close;
    const title = element("h2", "title", texts.title);
    title.id = "mesure-title";
    const body = element("p", "text", texts.body);
    body.id = "mesure-body";
    dialog.append(closeButton, title, body);
    if (options.gpc && config.categories.some((category) => category.gpc)) {
      dialog.appendChild(element("p", "note", words.gpc));
    }
    if (config.policyUrl) {
      const line = element("p", "text");
      const link = element("a", "link", words.policy);
      link.href = config.policyUrl;
      line.appendChild(link);
      dialog.appendChild(line);
    }

    const switches: HTMLInputElement[] = [];
    if (layer === "customise") {
      const list = element("ul", "list");
      for (const category of config.categories) {
        const id = "mesure-category-" + category.key;
        const item = element("li", "cat");
        const row = element("div", "row");
        const label = element(
          "label",
          "name",
          category.name[locale] + (category.required ? ` (${words.alwaysOn})` : ""),
        );
        label.htmlFor = id;
        const input = element("input", "switch");
        input.type = "checkbox";
        input.id = id;
        input.name = category.key;
        input.setAttribute("role", "switch");
        // Nothing optional starts switched on (opt-in), GPC-covered categories included.
        input.checked = category.required || !!(current && current[category.key]);
        input.disabled = category.required;
        row.append(label, input);
        item.appendChild(row);
        if (category.description[locale]) {
          const description = element("p", "desc", category.description[locale]);
          description.id = id + "-description";
          input.setAttribute("aria-describedby", description.id);
          item.appendChild(description);
        }
        list.appendChild(item);
        switches.push(input);
      }
      dialog.appendChild(list);
    }

    const actions = element("div", "actions");
    const button = (text: string, onClick: () => void) => {
      const node = element("button", "btn", text);
      node.type = "button";
      node.onclick = onClick;
      actions.appendChild(node);
    };
    button(words.acceptAll, () => decide("accept_all", {}));
    button(words.rejectAll, () => decide("reject_all", {}));
    if (layer === "first") {
      button(words.customise, () => {
        render("customise");
        focusFirstSwitch();
      });
    } else {
      button(words.save, () => {
        const categories: Record<string, boolean> = {};
        for (const input of switches) categories[input.name] = input.checked;
        decide("custom", categories);
      });
    }
    dialog.appendChild(actions);
  }

  function onKey(event: KeyboardEvent): void {
    if (event.key === "Escape" || event.key === "Esc") {
      event.preventDefault();
      event.stopPropagation();
      close();
      return;
    }
    if (event.key !== "Tab") return;
    const items = focusables();
    const first = items[0]!;
    const last = items[items.length - 1]!;
    const active = document.activeElement;
    const leaving = event.shiftKey ? active === first || active === dialog : active === last;
    if (leaving || !dialog.contains(active)) {
      event.preventDefault();
      (event.shiftKey ? last : first).focus();
    }
  }

  // Focus that lands outside (a click on the backdrop, a screen reader's jump) comes back.
  function onFocus(event: FocusEvent): void {
    if (!dialog.contains(event.target as Node)) dialog.focus();
  }

  function mount(): void {
    if (removed) return;
    previous = document.activeElement;
    injectStyles(options.nonce);
    render(options.layer);
    document.body.appendChild(backdrop);
    document.addEventListener("keydown", onKey, true);
    document.addEventListener("focusin", onFocus, true);
    if (options.layer === "customise") {
      focusFirstSwitch();
    } else {
      // The dialog itself, so its title and text are read first and no answer is favoured.
      dialog.focus();
    }
  }

  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
  return remove;
}
