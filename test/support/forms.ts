// The forms of a server-rendered page, read from its HTML the way a browser without JavaScript
// would post them: every control with its name, type and current value (ticked boxes, the
// selected option), and what the form sends as it stands.

export type Control = { name: string; type: string; value: string; sent: boolean };
export type PageForm = {
  action: string;
  enctype: string;
  controls: Control[];
  /** What the form posts as it stands. */
  fields: [string, string][];
};

function decode(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

function attributes(tag: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const match of tag.matchAll(/\s([a-zA-Z][\w:-]*)(?:="([^"]*)")?/g))
    found[match[1]!.toLowerCase()] = decode(match[2] ?? "");
  return found;
}

/** The page's POST forms, each with its action resolved against `page` (a path). */
export function postForms(html: string, page: string): PageForm[] {
  const forms: PageForm[] = [];
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const form = attributes(match[1]!);
    if ((form.method ?? "get").toLowerCase() !== "post") continue;
    const controls: Control[] = [];
    const pattern = /<input\b[^>]*>|<textarea\b([^>]*)>([\s\S]*?)<\/textarea>|<select\b([^>]*)>([\s\S]*?)<\/select>/g;
    for (const control of match[2]!.matchAll(pattern)) {
      if (control[0].startsWith("<input")) {
        const input = attributes(control[0]);
        const type = (input.type ?? "text").toLowerCase();
        if (!input.name || type === "submit" || type === "button" || type === "reset") continue;
        const box = type === "checkbox" || type === "radio";
        controls.push({
          name: input.name,
          type,
          value: input.value ?? (box ? "on" : ""),
          sent: !box || "checked" in input,
        });
      } else if (control[0].startsWith("<textarea")) {
        const name = attributes(control[1]!).name;
        if (name) controls.push({ name, type: "textarea", value: decode(control[2]!), sent: true });
      } else {
        const name = attributes(control[3]!).name;
        const options = [...control[4]!.matchAll(/<option\b[^>]*>/g)].map((option) => attributes(option[0]));
        const chosen = options.find((option) => "selected" in option) ?? options[0];
        if (name) controls.push({ name, type: "select", value: chosen?.value ?? "", sent: true });
      }
    }
    // A submit button with a name (intent=…) is sent when it is the one pressed: the first one.
    const button =
      /<button\b[^>]*\bname="([^"]*)"[^>]*\bvalue="([^"]*)"[^>]*>|<button\b[^>]*\bvalue="([^"]*)"[^>]*\bname="([^"]*)"[^>]*>/.exec(
        match[2]!,
      );
    if (button) {
      const name = decode(button[1] ?? button[4]!);
      const value = decode(button[2] ?? button[3]!);
      controls.push({ name, type: "submit", value, sent: true });
    }
    forms.push({
      action: new URL(decode(form.action ?? page), `http://page${page}`).href.replace(/^http:\/\/page/, ""),
      enctype: form.enctype ?? "application/x-www-form-urlencoded",
      controls,
      fields: controls.filter((control) => control.sent).map((control) => [control.name, control.value]),
    });
  }
  return forms;
}

/** The message shown beside the control `name` (FieldError), if any. */
export function errorBeside(html: string, name: string): string | null {
  const id = `error-${name.replace(/[^A-Za-z0-9_-]/g, "-")}`;
  const match = new RegExp(`<p class="field-error" id="${id}">([^<]*)</p>`).exec(html);
  return match ? decode(match[1]!) : null;
}
