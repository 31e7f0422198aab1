// Proof that a brand's consent ledger is whole: walks the hash chain from the first event to the
// head, recomputing every hash, and names the first event where the chain breaks.
import type { Tx } from "~/db/client.server";
import { consentEventHash, genesisHash, storedConsentEventSelect } from "~/models/consent.server";

export type ChainBreak = {
  /** The position where the chain stops holding, and the row found there (if any). */
  seq: number;
  id: string | null;
  problem: "altered" | "missing" | "relinked" | "truncated";
  message: string;
};

export type ChainReport =
  { intact: true; length: number; headHash: string } | { intact: false; checked: number; break: ChainBreak };

const PAGE = 1_000;

/**
 * Checks every event of the brand in order. Each kind of tampering shows up as one of the breaks:
 * a row edited in place no longer matches its hash (altered); a row removed leaves a gap in the
 * sequence (missing); a row edited and re-hashed no longer matches the next row's link (relinked);
 * rows removed from the end leave the chain shorter than its recorded head (truncated).
 */
export async function verifyConsentChain(db: Tx, brandId: string): Promise<ChainReport> {
  let previousHash = genesisHash(brandId);
  let expected = 1;
  for (;;) {
    const rows = await db.consentEvent.findMany({
      where: { brandId, seq: { gte: expected } },
      orderBy: { seq: "asc" },
      take: PAGE,
      select: storedConsentEventSelect,
    });
    for (const row of rows) {
      const broken = (problem: ChainBreak["problem"], message: string): ChainReport => ({
        intact: false,
        checked: expected - 1,
        break: { seq: row.seq, id: row.id, problem, message },
      });
      if (row.seq !== expected) {
        return broken("missing", `event #${expected} is missing: #${expected - 1} is followed by #${row.seq}`);
      }
      const { id: _id, hash, ...content } = row;
      if (consentEventHash(content) !== hash) {
        return broken(
          "altered",
          `event #${row.seq} (${row.id}) was changed after it was written: its hash no longer matches its content`,
        );
      }
      if (row.prevHash !== previousHash) {
        return broken(
          "relinked",
          `event #${row.seq} (${row.id}) does not point to event #${row.seq - 1}: one of them was rewritten`,
        );
      }
      previousHash = hash;
      expected++;
    }
    if (rows.length < PAGE) break;
  }
  const length = expected - 1;
  const head = await db.consentChain.findUnique({ where: { brandId }, select: { length: true, headHash: true } });
  if (head && (head.length !== length || head.headHash !== previousHash)) {
    return {
      intact: false,
      checked: length,
      break: {
        seq: length + 1,
        id: null,
        problem: "truncated",
        message: `the chain ends at event #${length}, but its head records ${head.length} events: the last ones were removed`,
      },
    };
  }
  return { intact: true, length, headHash: previousHash };
}
