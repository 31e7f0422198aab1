// Who may do what in a brand's console: owners everything (the team included), editors the
// settings, viewers read. Each role includes the ones below it.
import { z } from "zod";

export const ROLES = ["owner", "editor", "viewer"] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

const rank: Record<Role, number> = { viewer: 0, editor: 1, owner: 2 };

/** Whether someone with `role` may do what needs `need`. */
export function roleAllows(role: Role, need: Role): boolean {
  return rank[role] >= rank[need];
}
