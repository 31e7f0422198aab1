// An import's status in words, in both languages: the list and the job page say it the same way.
import { bilingual, format } from "~/lib/bilingual";
import type { Locale } from "~/lib/vocabulary";

export type ImportStatus = "queued" | "running" | "completed" | "failed";

const words = bilingual(
  { queued: "En attente", running: "En cours ({percent} %)", completed: "Terminé", failed: "Échoué" },
  { queued: "Queued", running: "Running ({percent}%)", completed: "Completed", failed: "Failed" },
);

/** Whole percent done, never 100 before the last row is in. */
export function percentDone(job: { processedRows: number; totalRows: number }): number {
  return Math.floor((100 * job.processedRows) / Math.max(job.totalRows, 1));
}

export function importStatusText(
  locale: Locale,
  job: { status: ImportStatus; processedRows: number; totalRows: number },
): string {
  return format(words[locale][job.status], { percent: percentDone(job) });
}
