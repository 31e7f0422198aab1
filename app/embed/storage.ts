// The brand's last banner configuration, kept in localStorage so the next page can tell at once
// whether the stored choice still holds (and show the banner if Mesure cannot be reached).
import type { EmbedConfig } from "./types";

const key = (brand: string) => `mesure:${brand}`;

export function loadConfig(brand: string): EmbedConfig | null {
  try {
    const config = JSON.parse(localStorage.getItem(key(brand)) || "null") as EmbedConfig | null;
    return config && typeof config.policyVersion === "string" && Array.isArray(config.categories) ? config : null;
  } catch {
    // Storage refused (privacy modes, sandboxed frames) or garbled: do without.
    return null;
  }
}

export function saveConfig(brand: string, config: EmbedConfig): void {
  try {
    // The visitor's choice and this request's GPC signal are not configuration.
    localStorage.setItem(key(brand), JSON.stringify({ ...config, choice: null, gpc: false }));
  } catch {
    // Storage refused or full: the next page simply waits for the server.
  }
}
