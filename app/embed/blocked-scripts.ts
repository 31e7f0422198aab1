// Scripts a brand marks `<script type="text/plain" data-category="analytics">` (inline or with a
// src): each runs once, as a real script, when every category it names is accepted.
const BLOCKED = 'script[type="text/plain"][data-category]';

/** Categories a blocked script needs, e.g. "analytics" or "analytics advertising". */
export function categoriesOf(value: string): string[] {
  return value.split(/[\s,]+/).filter(Boolean);
}

function run(placeholder: HTMLScriptElement, accepted: Record<string, boolean>): void {
  if (!placeholder.parentNode) return;
  const needed = categoriesOf(placeholder.getAttribute("data-category") || "");
  // An empty data-category names nothing to accept: the script stays blocked, never runs unasked.
  if (!needed.length || !needed.every((key) => accepted[key] === true)) return;
  const script = document.createElement("script");
  for (const attribute of Array.from(placeholder.attributes)) {
    const name = attribute.name;
    if (name !== "type" && name !== "data-category" && name !== "data-type") script.setAttribute(name, attribute.value);
  }
  // `data-type="module"` keeps a module a module once released.
  const type = placeholder.getAttribute("data-type");
  if (type) script.type = type;
  // Browsers hide a nonce attribute once parsed; only the property still holds it.
  if (placeholder.nonce) script.nonce = placeholder.nonce;
  // Inserted scripts are async by default; released ones keep the page's order instead.
  if (placeholder.src && !placeholder.hasAttribute("async")) script.async = false;
  script.text = placeholder.text;
  // The placeholder leaves the document, so no later pass can run it a second time.
  placeholder.parentNode.replaceChild(script, placeholder);
}

export function runAcceptedScripts(accepted: Record<string, boolean>): void {
  const scripts = document.querySelectorAll<HTMLScriptElement>(BLOCKED);
  for (let i = 0; i < scripts.length; i++) run(scripts[i]!, accepted);
}

/** Calls `whenParsed` now, or once the document is parsed: while it loads, the parser may have
 * inserted a script element whose text it has not finished reading. */
export function afterParsing(whenParsed: () => void): void {
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", whenParsed);
  else whenParsed();
}

/** Releases blocked scripts added to the page later (single-page apps, tag loaders), and hands
 * every element added after parsing to `added` (the portal launcher's inline frames). */
export function watchBlockedScripts(
  accepted: () => Record<string, boolean> | null,
  added: (node: Element) => void,
): void {
  new MutationObserver((records) => {
    // While the page loads, the DOMContentLoaded pass takes them once they are whole.
    if (document.readyState === "loading") return;
    const categories = accepted();
    for (const record of records) {
      for (const node of Array.from(record.addedNodes)) {
        if (!(node instanceof Element)) continue;
        added(node);
        if (!categories) continue;
        if (node.matches(BLOCKED)) run(node as HTMLScriptElement, categories);
        else node.querySelectorAll<HTMLScriptElement>(BLOCKED).forEach((script) => run(script, categories));
      }
    }
  }).observe(document, { childList: true, subtree: true });
}
