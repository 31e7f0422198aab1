// One-line logs on standard error, levelled by LOG_LEVEL. Kept tiny on purpose: the process's
// output is read by people at start-up and by log collectors in production, line by line.
const levels = { silent: 0, error: 1, info: 2, debug: 3 } as const;
type Level = keyof typeof levels;

function threshold(): number {
  const configured = process.env.LOG_LEVEL as Level | undefined;
  return levels[configured && configured in levels ? configured : "info"];
}

function write(level: Exclude<Level, "silent">, message: string): void {
  if (levels[level] > threshold()) return;
  process.stderr.write(`mesure ${level}: ${message}\n`);
}

export const log = {
  error: (message: string) => write("error", message),
  info: (message: string) => write("info", message),
  debug: (message: string) => write("debug", message),
};
