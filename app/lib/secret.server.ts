// The key that signs links and sessions. Production sets MESURE_SECRET (required there); the
// embedded default run needs no configuration, so it makes one on first start and keeps it in
// the data folder, readable by its owner only, so links survive restarts.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export function resolveSecret(configured: string | undefined, dataDir: string): string {
  if (configured) return configured;
  const file = path.resolve(dataDir, "secret.key");
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const secret = crypto.randomBytes(32).toString("hex");
  try {
    // "wx": if another process created it first, use theirs.
    fs.writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: "wx" });
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return fs.readFileSync(file, "utf8").trim();
    throw error;
  }
}
