// A customer's browser without the browser: plain HTTP with a cookie jar, following the
// portal's forms the way a page without JavaScript posts them (CSRF token included).
export class PortalClient {
  private readonly cookies = new Map<string, string>();

  constructor(readonly base: string) {}

  private remember(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const [name, ...value] = pair!.split("=");
      if (/Max-Age=0/i.test(line)) this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value.join("="));
    }
  }

  /** Puts a cookie in the jar, as a link that signed this browser in would have. */
  setCookie(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  /** The Cookie header this browser sends. */
  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set("Cookie", this.cookieHeader());
    const response = await fetch(path.startsWith("http") ? path : `${this.base}${path}`, {
      ...init,
      headers,
      redirect: "manual",
    });
    this.remember(response);
    return response;
  }

  /** GET, following redirects; the final response and its HTML. */
  async page(path: string): Promise<{ status: number; html: string; url: string }> {
    let url = path;
    for (let hops = 0; hops < 5; hops++) {
      const response = await this.request(url);
      const location = response.headers.get("location");
      if (response.status >= 300 && response.status < 400 && location) {
        url = location;
        continue;
      }
      return { status: response.status, html: await response.text(), url };
    }
    throw new Error(`too many redirects from ${path}`);
  }

  /** The CSRF token of the forms on a page. */
  async csrf(path = "/portal"): Promise<string> {
    const { html } = await this.page(path);
    const match = /name="csrf" value="([^"]+)"/.exec(html);
    if (!match) throw new Error(`no CSRF field on ${path}`);
    return match[1]!;
  }

  /** Posts a form as a browser would (same origin, urlencoded), with the CSRF token unless given. */
  async post(
    path: string,
    fields: [string, string][] | Record<string, string>,
    options: { csrf?: string | null } = {},
  ) {
    const body = new URLSearchParams(Array.isArray(fields) ? fields : Object.entries(fields));
    const token = options.csrf === undefined ? await this.csrf(path) : options.csrf;
    if (token !== null) body.set("csrf", token);
    const response = await this.request(path, {
      method: "POST",
      body,
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: this.base },
    });
    return { status: response.status, html: await response.text(), location: response.headers.get("location") };
  }
}
