// Integration and browser tests run the real build (build/index.js), so build it once before
// them: a stale build would test yesterday's code. Runs that start together (two test projects,
// or two people in one checkout) take turns: two builds writing build/ at once corrupt it.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");
const lock = path.join(root, ".cache", "build.lock");

function withLock(run: () => void): void {
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      // A lock older than five minutes belongs to a run that died.
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 5 * 60_000) fs.rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`gave up waiting for ${lock}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    run();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

export default function setup(): void {
  withLock(() => {
    try {
      execFileSync(process.execPath, [path.join(root, "node_modules/@remix-run/dev/dist/cli.js"), "build"], {
        cwd: root,
        stdio: "pipe",
        env: { ...process.env, NODE_ENV: "production" },
      });
    } catch (error) {
      const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
      throw new Error(`remix build failed:\n${stdout ?? ""}${stderr ?? ""}`);
    }
    // The cookie banner the brand sites load, public/embed/v1.js (npm run build:embed).
    try {
      execFileSync(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), "app/embed/build.ts"], {
        cwd: root,
        stdio: "pipe",
      });
    } catch (error) {
      const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
      throw new Error(`embed build failed:\n${stdout ?? ""}${stderr ?? ""}`);
    }
  });
}
