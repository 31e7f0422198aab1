// Works through queued imports in the background, a chunk of rows per transaction. A job is
// leased (a compare-and-set on its leaseUntil, whose exact value then marks the holder), so two
// processes never run one job; each chunk commits its rows, its row errors and the job's counters
// together, and extends the lease. So the console sees progress chunk by chunk, and a process
// that dies mid-import leaves a job another one resumes at the first chunk not committed, once
// the lease runs out: nothing twice, nothing lost. Runs on a loop of its own beside the
// privacy jobs (app/privacy/jobs.server.ts), wherever they run.
import { transact } from "~/db/changes.server";
import type { Db } from "~/db/client.server";
import { log } from "~/lib/log.server";
import { PollLoop } from "~/lib/poll-loop.server";
import { listTopics } from "~/models/topic.server";
import { applyRows, type RowFailure, type ValidRow } from "./apply.server";
import { parseCsv, type CsvRecord } from "./csv";
import { storeIssue, type RowIssue } from "./issues";
import { earlierLines, readHeader, readRow, type CatalogTopic, type Header } from "./rows";
import { importWake } from "./wake.server";

export type ImportRunnerOptions = {
  db: Db;
  /** How long a job stays this runner's without news from it (default 60 s). */
  leaseMs?: number;
  /** Rows per transaction (default 1,000). */
  chunkRows?: number;
  /** Tries of one chunk before the job is declared failed (default 3). */
  maxAttempts?: number;
  /** How often an idle runner looks for a queued job (default 2 s); wakeUpImports() cuts a wait short. */
  pollMs?: number;
};

/** The parsed file of the job in hand: parsed once per runner, not once per chunk. */
type LoadedJob = {
  jobId: string;
  brandId: string;
  header: Header;
  rows: CsvRecord[];
  /** Line → the line where its external id first appeared. */
  repeats: Map<number, number>;
  defaults: { locale: string; timezone: string };
};

const MAX_RAW = 1_000;
const BREATHER_MS = 25;
const MAX_ERROR = 1_000;

class LostLease extends Error {}

/** How long the text of a refused row is kept after its import ends. */
export const ROW_TEXT_DAYS = 30;

export class ImportRunner {
  private held: { jobId: string; leaseUntil: Date } | null = null;
  private loaded: LoadedJob | null = null;
  private failedAttempts = 0;
  private readonly loop: PollLoop;

  constructor(private readonly options: ImportRunnerOptions) {
    this.loop = new PollLoop({
      name: "imports",
      round: () => this.round(),
      pollMs: options.pollMs ?? 2_000,
      signal: importWake,
    });
  }

  start(): void {
    this.loop.start();
  }

  /** Lets the chunk in hand commit, then stops, handing the job back for another runner. */
  async stop(): Promise<void> {
    await this.loop.stop();
    const held = this.held;
    this.release();
    if (held) {
      await this.options.db.importJob.updateMany({
        where: { id: held.jobId, leaseUntil: held.leaseUntil },
        data: { leaseUntil: null },
      });
    }
  }

  private get leaseMs() {
    return this.options.leaseMs ?? 60_000;
  }

  /** One chunk of one job; true when there was work (the caller then comes back at once). */
  async round(now: Date = new Date()): Promise<boolean> {
    // SQLite answers synchronously (and one transaction holds its only connection), so chunk
    // after chunk would starve the process's web requests for the whole import: a short pause
    // between chunks lets a page's few queries through (about 3% of an import's time).
    await new Promise((resolve) => setTimeout(resolve, BREATHER_MS));
    const job = await this.jobInHand(now);
    if (!job) {
      await this.forgetOldRows(now);
      return false;
    }
    try {
      const loaded = await this.load(job.id);
      if (!loaded) return true;
      await this.runChunk(loaded, job.processedRows, job.totalRows, now);
      this.failedAttempts = 0;
    } catch (error) {
      if (error instanceof LostLease) {
        this.release();
        return true;
      }
      this.failedAttempts++;
      const message = (error as Error).message ?? String(error);
      log.error(`import ${job.id}: ${message}`);
      if (this.failedAttempts >= (this.options.maxAttempts ?? 3)) await this.fail(job.id, message);
    }
    return true;
  }

  /**
   * A refused row is kept as it was in the file so the brand can fix it, but it is personal data
   * no consent covers: its text goes ROW_TEXT_DAYS after the job ends (line, column and reason stay).
   */
  private async forgetOldRows(now: Date): Promise<void> {
    if (now.getTime() - this.lastForget < 3_600_000) return;
    this.lastForget = now.getTime();
    const cutoff = new Date(now.getTime() - ROW_TEXT_DAYS * 86_400_000);
    await this.options.db.importRowError.updateMany({
      where: { raw: { not: "" }, job: { finishedAt: { lt: cutoff } } },
      data: { raw: "" },
    });
  }
  private lastForget = 0;

  /** The job this runner holds, or the oldest one it can claim. */
  private async jobInHand(now: Date) {
    const { db } = this.options;
    const select = { id: true, processedRows: true, totalRows: true, startedAt: true } as const;
    if (this.held) {
      const job = await db.importJob.findFirst({
        where: { id: this.held.jobId, status: "running", leaseUntil: this.held.leaseUntil },
        select,
      });
      if (job) return job;
      this.release();
    }
    const free = { OR: [{ leaseUntil: null }, { leaseUntil: { lte: now } }] };
    const candidates = await db.importJob.findMany({
      where: { status: { in: ["queued", "running"] }, ...free },
      orderBy: { createdAt: "asc" },
      take: 5,
      select,
    });
    for (const job of candidates) {
      const leaseUntil = new Date(now.getTime() + this.leaseMs);
      const { count } = await db.importJob.updateMany({
        where: { id: job.id, status: { in: ["queued", "running"] }, ...free },
        data: { status: "running", leaseUntil, startedAt: job.startedAt ?? now },
      });
      if (count === 0) continue; // another process took it
      this.held = { jobId: job.id, leaseUntil };
      this.failedAttempts = 0;
      return job;
    }
    return null;
  }

  private release() {
    this.held = null;
    this.loaded = null;
    this.failedAttempts = 0;
  }

  private async load(jobId: string): Promise<LoadedJob | null> {
    if (this.loaded?.jobId === jobId) return this.loaded;
    const { db } = this.options;
    const job = await db.importJob.findUniqueOrThrow({
      where: { id: jobId },
      select: { brandId: true, source: true, brand: { select: { locales: true, defaultTimezone: true } } },
    });
    if (job.source === null) {
      await this.fail(jobId, "The uploaded file is no longer stored.");
      return null;
    }
    const [head, ...rows] = parseCsv(job.source);
    const header = head ? readHeader(head.cells) : null;
    if (!header?.ok) {
      // Checked at upload; only a file changed behind our back gets here.
      await this.fail(jobId, "The file's header is not valid.");
      return null;
    }
    const idAt = header.header.index.external_id!;
    const repeats = earlierLines(rows.map((row) => ({ line: row.line, externalId: row.cells[idAt]?.trim() })));
    const locales = JSON.parse(job.brand.locales) as string[];
    this.loaded = {
      jobId,
      brandId: job.brandId,
      header: header.header,
      rows,
      repeats,
      defaults: { locale: locales[0] ?? "fr", timezone: job.brand.defaultTimezone },
    };
    return this.loaded;
  }

  private async runChunk(job: LoadedJob, start: number, total: number, now: Date): Promise<void> {
    const { db } = this.options;
    const held = this.held!;
    const chunk = job.rows.slice(start, start + (this.options.chunkRows ?? 1_000));
    const topics = new Map<string, CatalogTopic>(
      (await listTopics(db, job.brandId)).map((topic) => [topic.key, topic]),
    );
    const valid: ValidRow[] = [];
    const failures: RowFailure[] = [];
    for (const record of chunk) {
      const raw = record.raw.slice(0, MAX_RAW);
      const checked = readRow(record.cells, job.header, topics, now);
      const issues: RowIssue[] = checked.ok ? [] : [...checked.issues];
      const firstLine = job.repeats.get(record.line);
      if (firstLine !== undefined)
        issues.unshift({ field: "external_id", code: "duplicateRow", values: { line: firstLine } });
      if (issues.length || !checked.ok) failures.push({ line: record.line, raw, issues });
      else valid.push({ line: record.line, raw, row: checked.row });
    }
    const processed = start + chunk.length;
    const done = processed >= total;
    const leaseUntil = new Date(Date.now() + this.leaseMs);
    await transact(db, async (tx, recordChange) => {
      const outcome = await applyRows(tx, recordChange, {
        brandId: job.brandId,
        defaults: job.defaults,
        rows: valid,
        now,
      });
      const refused = [...failures, ...outcome.failures];
      const errors = refused.flatMap((failure) =>
        failure.issues.map((issue) => ({
          jobId: job.jobId,
          line: failure.line,
          field: issue.field,
          message: storeIssue(issue),
          raw: failure.raw,
        })),
      );
      if (errors.length) await tx.importRowError.createMany({ data: errors });
      // Only the holder of the lease, and only from where the job stands, may move it on.
      const { count } = await tx.importJob.updateMany({
        where: { id: job.jobId, status: "running", processedRows: start, leaseUntil: held.leaseUntil },
        data: {
          processedRows: processed,
          createdCount: { increment: outcome.created },
          updatedCount: { increment: outcome.updated },
          failedCount: { increment: refused.length },
          ...(done ? { status: "completed", source: null, finishedAt: new Date(), leaseUntil: null } : { leaseUntil }),
        },
      });
      if (count === 0) throw new LostLease();
    });
    if (done) this.release();
    else this.held = { jobId: job.jobId, leaseUntil };
  }

  /** Gives up on a job: the reason kept, the file dropped (it holds personal data). */
  private async fail(jobId: string, reason: string): Promise<void> {
    const held = this.held;
    await this.options.db.importJob.updateMany({
      where: { id: jobId, status: "running", ...(held?.jobId === jobId && { leaseUntil: held.leaseUntil }) },
      data: {
        status: "failed",
        error: reason.slice(0, MAX_ERROR),
        source: null,
        finishedAt: new Date(),
        leaseUntil: null,
      },
    });
    this.release();
  }
}
