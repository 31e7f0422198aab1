// The people who may use a brand's console. A brand always keeps at least one owner, so the
// team can never lock itself out.
import type { Db, Tx } from "~/db/client.server";
import { isUniqueViolation } from "~/db/errors";
import { Role } from "~/console/roles";

export type Member = {
  id: string;
  email: string;
  name: string;
  role: Role;
  createdAt: Date;
  lastSignInAt: Date | null;
};

const memberSelect = { id: true, email: true, name: true, role: true, createdAt: true, lastSignInAt: true } as const;

function toMember(row: { role: string } & Omit<Member, "role">): Member {
  return { ...row, role: Role.catch("viewer").parse(row.role) };
}

export class MemberError extends Error {
  constructor(readonly code: "exists" | "last_owner" | "not_found") {
    super(code);
  }
}

export async function listMembers(db: Tx | Db, brandId: string): Promise<Member[]> {
  const rows = await db.brandMember.findMany({
    where: { brandId },
    orderBy: [{ createdAt: "asc" }, { email: "asc" }],
    select: memberSelect,
  });
  return rows.map(toMember);
}

export async function addMember(
  db: Tx | Db,
  brandId: string,
  input: { email: string; role: Role; name?: string; invitedBy: string },
): Promise<Member> {
  try {
    const row = await db.brandMember.create({
      data: {
        brandId,
        email: input.email.trim().toLowerCase(),
        role: input.role,
        name: input.name ?? "",
        invitedBy: input.invitedBy,
      },
      select: memberSelect,
    });
    return toMember(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw new MemberError("exists");
    throw error;
  }
}

async function ownerCount(db: Tx | Db, brandId: string): Promise<number> {
  return db.brandMember.count({ where: { brandId, role: "owner" } });
}

/**
 * Makes changes to one brand's team take turns (an UPDATE of the brand row, which both
 * databases serialise until commit), so two owners demoting each other at the same moment
 * cannot both see "another owner remains" and leave the brand with none.
 */
async function lockTeam(tx: Tx, brandId: string): Promise<void> {
  await tx.brand.updateMany({ where: { id: brandId }, data: { updatedAt: new Date() } });
}

/** Changes a member's role (inside a transaction); refuses to demote the last owner. Answers the role before. */
export async function setMemberRole(db: Tx, brandId: string, memberId: string, role: Role): Promise<Role> {
  await lockTeam(db, brandId);
  const member = await db.brandMember.findFirst({ where: { id: memberId, brandId }, select: { role: true } });
  if (!member) throw new MemberError("not_found");
  if (member.role === "owner" && role !== "owner" && (await ownerCount(db, brandId)) <= 1) {
    throw new MemberError("last_owner");
  }
  await db.brandMember.updateMany({ where: { id: memberId, brandId }, data: { role } });
  return Role.catch("viewer").parse(member.role);
}

/** Removes a member and ends their sessions; refuses to remove the last owner. */
export async function removeMember(db: Tx, brandId: string, memberId: string): Promise<{ email: string }> {
  await lockTeam(db, brandId);
  const member = await db.brandMember.findFirst({
    where: { id: memberId, brandId },
    select: { role: true, email: true },
  });
  if (!member) throw new MemberError("not_found");
  if (member.role === "owner" && (await ownerCount(db, brandId)) <= 1) throw new MemberError("last_owner");
  await db.brandMember.deleteMany({ where: { id: memberId, brandId } });
  return { email: member.email };
}

/** Every brand an address may sign in to (the sign-in email lists them). */
export async function membershipsOf(db: Tx | Db, email: string) {
  return db.brandMember.findMany({
    where: { email: email.trim().toLowerCase() },
    orderBy: { createdAt: "asc" },
    select: { id: true, role: true, brand: { select: { id: true, slug: true, name: true, theme: true } } },
  });
}
