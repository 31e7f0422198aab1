// Whether the database answers, for /healthz: a trivial query that must finish quickly, so a
// hung connection reads as "down" to the load balancer instead of hanging the probe too.
import type { Db } from "./client.server";

export async function databaseIsReachable(db: Db, timeoutMs = 2_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([db.$queryRawUnsafe("SELECT 1").then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
