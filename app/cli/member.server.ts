// `mesure member add|list|remove` and `mesure console-link`: how the first owner of a brand gets
// in (later members are added from the console's Team page). Changes go to the audit log as "cli".
import { z } from "zod";
import type { Db } from "~/db/client.server";
import { transact } from "~/db/changes.server";
import { consoleEntryUrl } from "~/console/sign-in-mail.server";
import { Role } from "~/console/roles";
import type { Env } from "~/lib/env.server";
import { resolveSecret } from "~/lib/secret.server";
import { recordAudit } from "~/models/audit.server";
import { addMember, listMembers, MemberError, removeMember } from "~/models/member.server";
import { parse, required, UsageError, validate } from "./args";
import { brandFromSlug } from "./brand-lookup.server";

const Email = z.string().trim().toLowerCase().email().max(254);

export async function memberCommand(db: Db, [action, ...argv]: string[], out: (line: string) => void) {
  const values = parse(argv, { brand: { type: "string" }, email: { type: "string" }, role: { type: "string" } });
  const brand = await brandFromSlug(db, required(values, "brand"));
  if (action === "add") {
    const email = validate(z.object({ email: Email }), { email: required(values, "email") }).email;
    const role = validate(z.object({ role: Role }), { role: values.role ?? "owner" }).role;
    try {
      await transact(db, async (tx) => {
        await addMember(tx, brand.id, { email, role, invitedBy: "cli" });
        await recordAudit(tx, {
          brandId: brand.id,
          actor: "cli",
          action: "member.add",
          target: email,
          detail: { role },
        });
      });
    } catch (error) {
      if (error instanceof MemberError && error.code === "exists")
        throw new UsageError(`${email} is already a member of ${brand.slug}`);
      throw error;
    }
    out(`added ${email} to ${brand.slug} as ${role}`);
    return;
  }
  if (action === "list") {
    for (const member of await listMembers(db, brand.id)) {
      const seen = member.lastSignInAt ? `last signed in ${member.lastSignInAt.toISOString()}` : "never signed in";
      out(`${member.email}\t${member.role}\t${seen}`);
    }
    return;
  }
  if (action === "remove") {
    const email = validate(z.object({ email: Email }), { email: required(values, "email") }).email;
    const member = (await listMembers(db, brand.id)).find((one) => one.email === email);
    if (!member) throw new UsageError(`${email} is not a member of ${brand.slug}`);
    try {
      await transact(db, async (tx) => {
        await removeMember(tx, brand.id, member.id);
        await recordAudit(tx, { brandId: brand.id, actor: "cli", action: "member.remove", target: email });
      });
    } catch (error) {
      if (error instanceof MemberError && error.code === "last_owner")
        throw new UsageError(`${email} is the last owner of ${brand.slug}: add another owner first`);
      throw error;
    }
    out(`removed ${email} from ${brand.slug}`);
    return;
  }
  throw new UsageError(`member takes "add", "list" or "remove", not ${JSON.stringify(action ?? "")}`);
}

/** A one-time sign-in link to a brand's console for one of its members, without email. */
export async function consoleLinkCommand(db: Db, env: Env, argv: string[], out: (line: string) => void) {
  const values = parse(argv, { brand: { type: "string" }, email: { type: "string" } });
  const brand = await brandFromSlug(db, required(values, "brand"));
  const email = validate(z.object({ email: Email }), { email: required(values, "email") }).email;
  const member = (await listMembers(db, brand.id)).find((one) => one.email === email);
  if (!member) throw new UsageError(`${email} is not a member of ${brand.slug} (see: mesure member add)`);
  out(
    consoleEntryUrl(
      { secret: resolveSecret(env.MESURE_SECRET, env.DATA_DIR), publicUrl: env.PUBLIC_URL },
      brand.id,
      member.id,
    ),
  );
}
