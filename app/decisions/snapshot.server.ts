// The process's in-memory snapshot of what decisions need: each brand's rules and topics, each
// customer's preferences with a week of sends, and the API keys in use. A decision on cached
// data makes no database read at all. Entries are dropped the moment a change to them is
// known (see freshness.server.ts) and reloaded on the next use.
import type { Change } from "~/db/changes.server";
import type { Db } from "~/db/client.server";
import { authenticateApiKey, hashApiKey, looksLikeApiKey } from "~/models/api-key.server";
import type { Freshness } from "./freshness.server";
import { loadBrand, loadCustomers, type BrandEntry, type CustomerEntry } from "./snapshot-load.server";

const LAST_USED_RESOLUTION_MS = 60_000;

type CachedKey = { keyId: string; brandId: string; lastUsedWritten: number };

export class SnapshotStore {
  private readonly brands = new Map<string, BrandEntry>();
  private readonly customers = new Map<string, CustomerEntry>();
  private readonly keyOfCustomer = new Map<string, string>();
  private readonly loading = new Map<string, Promise<CustomerEntry | null>>();
  private readonly apiKeys = new Map<string, CachedKey>();
  /** Counts customer invalidations, so a load that raced with one is not cached. */
  private epoch = 0;
  freshness: Freshness | null = null;

  constructor(
    private readonly db: Db,
    private readonly maxCustomers = 250_000,
  ) {}

  /** Applies changes other processes committed; call before deciding. */
  catchUp(): void {
    this.freshness?.catchUp();
  }

  apply(change: Change): void {
    if (change.scope === "brand") {
      this.brands.delete(change.brandId);
    } else if (change.scope === "customer" || change.scope === "sends") {
      this.epoch++;
      const key = this.keyOfCustomer.get(change.subjectId);
      if (key) this.customers.delete(key);
      this.keyOfCustomer.delete(change.subjectId);
    } else {
      for (const [hash, cached] of this.apiKeys) if (cached.keyId === change.subjectId) this.apiKeys.delete(hash);
    }
  }

  forgetEverything(): void {
    this.epoch++;
    this.brands.clear();
    this.customers.clear();
    this.keyOfCustomer.clear();
    this.apiKeys.clear();
  }

  peekBrand(brandId: string): BrandEntry | undefined {
    return this.brands.get(brandId);
  }

  async brand(brandId: string): Promise<BrandEntry | null> {
    const cached = this.brands.get(brandId);
    if (cached) return cached;
    const loaded = await loadBrand(this.db, brandId);
    if (loaded) this.brands.set(brandId, loaded);
    return loaded;
  }

  peekCustomer(brandId: string, externalId: string): CustomerEntry | undefined {
    return this.customers.get(`${brandId}\u0000${externalId}`);
  }

  /** The customer's snapshot, loading it once even when many requests ask at the same time. */
  async customer(brandId: string, externalId: string, now: number): Promise<CustomerEntry | null> {
    return (await this.customersOf(brandId, [externalId], now)).get(externalId) ?? null;
  }

  /**
   * Several customers' snapshots: the cached ones at once, the others read together in one
   * load (a few queries however many they are), each joining a load already under way for it.
   * Unknown customers map to null.
   */
  async customersOf(brandId: string, externalIds: string[], now: number): Promise<Map<string, CustomerEntry | null>> {
    const found = new Map<string, CustomerEntry | null>();
    const waiting: [string, Promise<CustomerEntry | null>][] = [];
    const toLoad = new Set<string>();
    for (const externalId of externalIds) {
      const key = `${brandId}\u0000${externalId}`;
      const cached = this.customers.get(key);
      if (cached) found.set(externalId, cached);
      else if (this.loading.has(key)) waiting.push([externalId, this.loading.get(key)!]);
      else toLoad.add(externalId);
    }
    if (toLoad.size > 0) {
      const epoch = this.epoch;
      const load = loadCustomers(this.db, brandId, [...toLoad], now).then((entries) => {
        // A change committed while this read ran may be missing from it: do not keep it.
        if (epoch === this.epoch) for (const entry of entries.values()) this.remember(entry);
        return entries;
      });
      for (const externalId of toLoad) {
        const key = `${brandId}\u0000${externalId}`;
        const one = load.then((entries) => entries.get(externalId) ?? null).finally(() => this.loading.delete(key));
        // The caller awaits `one` below; this catch only keeps other waiters from an unhandled rejection.
        one.catch(() => {});
        this.loading.set(key, one);
        waiting.push([externalId, one]);
      }
    }
    for (const [externalId, pending] of waiting) found.set(externalId, await pending);
    return found;
  }

  /** Stores a snapshot read inside a committed transaction (fresher than anything cached). */
  remember(entry: CustomerEntry): void {
    const key = `${entry.brandId}\u0000${entry.externalId}`;
    this.customers.delete(key);
    this.customers.set(key, entry);
    this.keyOfCustomer.set(entry.id, key);
    // Past the limit, forget the entries loaded longest ago.
    while (this.customers.size > this.maxCustomers) {
      const [oldestKey, oldest] = this.customers.entries().next().value as [string, CustomerEntry];
      this.customers.delete(oldestKey);
      this.keyOfCustomer.delete(oldest.id);
    }
  }

  get size(): { brands: number; customers: number; apiKeys: number } {
    return { brands: this.brands.size, customers: this.customers.size, apiKeys: this.apiKeys.size };
  }

  /** The brand an API key belongs to, or null; cached after the first use of each key. */
  async authenticate(presented: string, now = Date.now()): Promise<{ brandId: string; keyId: string } | null> {
    if (!looksLikeApiKey(presented)) return null;
    const hash = hashApiKey(presented);
    const cached = this.apiKeys.get(hash);
    if (cached) {
      if (now - cached.lastUsedWritten > LAST_USED_RESOLUTION_MS) {
        cached.lastUsedWritten = now;
        // A hint for humans; never worth delaying an answer for.
        void this.db.apiKey
          .update({ where: { id: cached.keyId }, data: { lastUsedAt: new Date(now) }, select: { id: true } })
          .catch(() => {});
      }
      return { brandId: cached.brandId, keyId: cached.keyId };
    }
    const found = await authenticateApiKey(this.db, presented, new Date(now));
    if (!found) return null;
    if (this.apiKeys.size > 10_000) this.apiKeys.clear();
    this.apiKeys.set(hash, { ...found, lastUsedWritten: now });
    return found;
  }
}
