// Real processes for tests: the built server (build/index.js) listening on a free port, and the
// operator CLI, each with an environment of the test's choosing.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

export const projectRoot = path.resolve(import.meta.dirname, "../..");

/** The environment a child gets: the test's own variables, never the developer's DATABASE_URL. */
function childEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const base = { ...process.env };
  for (const name of [
    "DATABASE_URL",
    "PORT",
    "PUBLIC_URL",
    "MESURE_SECRET",
    "DATA_DIR",
    "SEED_DEMO",
    "HOST",
    "VITEST",
    "VITEST_POOL_ID",
    "VITEST_WORKER_ID",
  ])
    delete base[name];
  return { ...base, NODE_ENV: "production", LOG_LEVEL: "info", ...env };
}

export type RunningServer = {
  url: string;
  port: number;
  output: () => string;
  stop: () => Promise<number | null>;
  child: ChildProcess;
};

export async function startServer(
  env: Record<string, string | undefined>,
  timeoutMs = 30_000,
  /** Options for node itself, e.g. ["--cpu-prof"] (which NODE_OPTIONS refuses). */
  nodeArgs: string[] = [],
): Promise<RunningServer> {
  const child = spawn(process.execPath, [...nodeArgs, path.join(projectRoot, "build/index.js")], {
    cwd: projectRoot,
    env: childEnv({ PORT: "0", ...env }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const check = () => {
      const match = /listening on http:\/\/localhost:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout!.on("data", check);
    child.stderr!.on("data", check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${output}`));
    });
  });

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}

export type Finished = { code: number | null; stdout: string; stderr: string };

export function run(args: string[], env: Record<string, string | undefined>): Promise<Finished> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: projectRoot,
      env: childEnv(env),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The server entry alone (to check start-up failures). */
export const runServer = (env: Record<string, string | undefined>) =>
  run([path.join(projectRoot, "build/index.js")], env);

/** `npm run -s mesure -- <args>`, without npm's own start-up cost. */
export const runCli = (args: string[], env: Record<string, string | undefined>) =>
  run(
    [path.join(projectRoot, "node_modules/tsx/dist/cli.mjs"), path.join(projectRoot, "app/cli/main.ts"), ...args],
    env,
  );

export type RunningWorker = { child: ChildProcess; output: () => string; exited: Promise<number | null> };

/** `node build/index.js worker` with the test's environment, once it says it has started. */
export async function startWorker(env: Record<string, string | undefined>, timeoutMs = 30_000): Promise<RunningWorker> {
  const child = spawn(process.execPath, [path.join(projectRoot, "build/index.js"), "worker"], {
    cwd: projectRoot,
    env: childEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code, signal) => {
      if (signal) output += `\n(killed by ${signal})`;
      resolve(code);
    }),
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start in ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const check = () => {
      if (/worker \S+ started/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on("data", check);
    child.stderr!.on("data", check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code} before starting:\n${output}`));
    });
  });
  return { child, output: () => output, exited };
}
