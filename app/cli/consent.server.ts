// `mesure consent verify --brand <slug>`: proves a brand's consent ledger intact, or names the
// first event where it breaks (exit status 1), so an auditor can run it without reading code.
import type { Db } from "~/db/client.server";
import { verifyConsentChain } from "~/privacy/consent-ledger.server";
import { parse, required, UsageError } from "./args";
import { brandFromSlug } from "./brand-lookup.server";

export async function consentCommand(db: Db, argv: string[], out: (line: string) => void): Promise<number> {
  const [action, ...rest] = argv;
  if (action !== "verify") throw new UsageError('consent takes one action: "verify"');
  const values = parse(rest, { brand: { type: "string" } });
  const brand = await brandFromSlug(db, required(values, "brand"));
  const report = await verifyConsentChain(db, brand.id);
  if (report.intact) {
    out(`intact: ${report.length} consent event(s) for ${brand.slug}, head ${report.headHash}`);
    return 0;
  }
  out(`broken at event #${report.break.seq}${report.break.id ? ` (${report.break.id})` : ""}: ${report.break.message}`);
  out(`events #1 to #${report.checked} verify`);
  return 1;
}
