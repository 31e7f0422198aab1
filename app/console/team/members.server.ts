// What the console's Team page does to a brand's members, each change with its audit entry in
// the same transaction. The rules themselves (a brand keeps an owner; removing a member ends
// their sessions, by cascade) live in app/models/member.server.ts.
import { transact } from "~/db/changes.server";
import type { Db } from "~/db/client.server";
import type { Role } from "~/console/roles";
import { recordAudit } from "~/models/audit.server";
import { addMember, removeMember, setMemberRole, type Member } from "~/models/member.server";

type Who = { brandId: string; actor: string };

/** Throws MemberError("exists") when the address is already on the team. */
export async function inviteMember(db: Db, input: Who & { email: string; role: Role; name: string }): Promise<Member> {
  return transact(db, async (tx) => {
    const member = await addMember(tx, input.brandId, {
      email: input.email,
      role: input.role,
      name: input.name,
      invitedBy: input.actor,
    });
    await recordAudit(tx, {
      brandId: input.brandId,
      actor: input.actor,
      action: "member.add",
      target: member.email,
      detail: { role: member.role },
    });
    return member;
  });
}

/** Answers whose role it is; throws MemberError("not_found" | "last_owner"). */
export async function changeMemberRole(
  db: Db,
  input: Who & { memberId: string; role: Role },
): Promise<{ email: string }> {
  return transact(db, async (tx) => {
    const before = await setMemberRole(tx, input.brandId, input.memberId, input.role);
    const { email } = await tx.brandMember.findFirstOrThrow({
      where: { id: input.memberId, brandId: input.brandId },
      select: { email: true },
    });
    // Choosing the role someone already has changes nothing: nothing to audit.
    if (before === input.role) return { email };
    await recordAudit(tx, {
      brandId: input.brandId,
      actor: input.actor,
      action: "member.role",
      target: email,
      detail: { before, after: input.role },
    });
    return { email };
  });
}

/** Throws MemberError("not_found" | "last_owner"). Their sessions go with them. */
export async function dismissMember(db: Db, input: Who & { memberId: string }): Promise<{ email: string }> {
  return transact(db, async (tx) => {
    const removed = await removeMember(tx, input.brandId, input.memberId);
    await recordAudit(tx, {
      brandId: input.brandId,
      actor: input.actor,
      action: "member.remove",
      target: removed.email,
    });
    return removed;
  });
}
