// Queries over many ids, a slice at a time. Prisma binds at most 999 values per statement on
// SQLite, and does not split an IN list that shares its statement with other values (brandId).

const IN_LIST = 500;

export async function batched<T, R>(values: readonly T[], query: (slice: T[]) => Promise<R[]>): Promise<R[]> {
  const found: R[] = [];
  for (let start = 0; start < values.length; start += IN_LIST) {
    found.push(...(await query(values.slice(start, start + IN_LIST))));
  }
  return found;
}
