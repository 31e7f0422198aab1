// Import jobs as the console sees them: started from an upload (and audited), listed, followed
// while they run, with the rows they could not take. Every read is scoped by the brand; the
// uploaded file itself is never read back here.
import type { Db, Tx } from "~/db/client.server";
import { recordAudit } from "~/models/audit.server";
import type { ImportStatus } from "./status-words";

export type { ImportStatus };

const jobSelect = {
  id: true,
  createdBy: true,
  fileName: true,
  status: true,
  totalRows: true,
  processedRows: true,
  createdCount: true,
  updatedCount: true,
  failedCount: true,
  error: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
} as const;

export type ImportJobView = {
  id: string;
  createdBy: string;
  fileName: string;
  status: ImportStatus;
  totalRows: number;
  processedRows: number;
  createdCount: number;
  updatedCount: number;
  failedCount: number;
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
};

function toView(row: Omit<ImportJobView, "status"> & { status: string }): ImportJobView {
  return { ...row, status: row.status as ImportStatus };
}

/** Queues the import of a checked file; the audit entry goes in the same transaction. */
export async function createImportJob(
  db: Db,
  input: { brandId: string; actor: string; fileName: string; totalRows: number; source: string },
): Promise<{ id: string }> {
  return db.$transaction(async (tx) => {
    const job = await tx.importJob.create({
      data: {
        brandId: input.brandId,
        createdBy: input.actor,
        fileName: input.fileName,
        totalRows: input.totalRows,
        source: input.source,
      },
      select: { id: true },
    });
    await recordAudit(tx, {
      brandId: input.brandId,
      actor: input.actor,
      action: "import.start",
      target: job.id,
      detail: { fileName: input.fileName, rows: input.totalRows },
    });
    return job;
  });
}

export async function listImportJobs(db: Tx, brandId: string, take = 25): Promise<ImportJobView[]> {
  const rows = await db.importJob.findMany({
    where: { brandId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take,
    select: jobSelect,
  });
  return rows.map(toView);
}

export async function getImportJob(db: Tx, owner: { brandId: string; id: string }): Promise<ImportJobView | null> {
  const row = await db.importJob.findFirst({ where: { id: owner.id, brandId: owner.brandId }, select: jobSelect });
  return row ? toView(row) : null;
}

export type RowErrorView = { line: number; field: string; message: string; raw: string };

/** The first problems of a job, in file order. */
export async function listRowErrors(
  db: Tx,
  owner: { brandId: string; jobId: string },
  take: number,
): Promise<{ errors: RowErrorView[]; total: number }> {
  const where = { jobId: owner.jobId, job: { brandId: owner.brandId } };
  const [errors, total] = await Promise.all([
    db.importRowError.findMany({
      where,
      orderBy: [{ line: "asc" }, { id: "asc" }],
      take,
      select: { line: true, field: true, message: true, raw: true },
    }),
    db.importRowError.count({ where }),
  ]);
  return { errors, total };
}

/** Every problem of a job, a page at a time (for the CSV download: never all in memory). */
export async function* rowErrorPages(
  db: Tx,
  owner: { brandId: string; jobId: string },
  pageSize = 1_000,
): AsyncGenerator<RowErrorView[]> {
  let after: { line: number; id: string } | null = null;
  for (;;) {
    const page: (RowErrorView & { id: string })[] = await db.importRowError.findMany({
      where: {
        jobId: owner.jobId,
        job: { brandId: owner.brandId },
        ...(after && {
          OR: [{ line: { gt: after.line } }, { line: after.line, id: { gt: after.id } }],
        }),
      },
      orderBy: [{ line: "asc" }, { id: "asc" }],
      take: pageSize,
      select: { id: true, line: true, field: true, message: true, raw: true },
    });
    if (page.length === 0) return;
    yield page;
    if (page.length < pageSize) return;
    const last = page.at(-1)!;
    after = { line: last.line, id: last.id };
  }
}
