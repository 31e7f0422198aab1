// Calls to Mesure's public embed endpoints, on the origin the script was loaded from. No
// credentials: the visitor is known by the id in the brand's first-party cookie, not by ours.
import type { EmbedConfig, Locale, Method, ServerChoice } from "./types";

export async function fetchConfig(base: string, brand: string, visitor: string | null): Promise<EmbedConfig> {
  const query = `brand=${encodeURIComponent(brand)}` + (visitor ? `&visitor=${encodeURIComponent(visitor)}` : "");
  const response = await fetch(`${base}/embed/v1/config?${query}`, { credentials: "omit", cache: "no-store" });
  if (!response.ok) throw new Error(`Mesure: configuration answered ${response.status}`);
  return (await response.json()) as EmbedConfig;
}

export type ChoiceBody = {
  brand: string;
  visitor: string;
  policyVersion: string;
  locale: Locale;
  method: Method;
  categories: Record<string, boolean>;
  gpc: boolean;
};

/** Records a choice: the server's copy, the new configuration when the policy changed under the
 * visitor (409), or null on any other failure (the next page load sends it again). */
export async function postChoice(
  base: string,
  body: ChoiceBody,
): Promise<{ choice: ServerChoice } | { config: EmbedConfig } | null> {
  // A string body goes as text/plain: a CORS "simple request", no preflight; keepalive lets it
  // finish when the choice is the last thing done on the page.
  const response = await fetch(`${base}/embed/v1/choices`, {
    method: "POST",
    body: JSON.stringify(body),
    credentials: "omit",
    keepalive: true,
  });
  if (response.status !== 201 && response.status !== 409) return null;
  const answer = (await response.json()) as { choice?: ServerChoice; config?: EmbedConfig };
  if (answer.choice) return { choice: answer.choice };
  return answer.config ? { config: answer.config } : null;
}
