// The frame of one console page (its heading, lead and actions), and what pages need to know of
// the signed-in member to show or hide what their role allows (the server checks again).
import { useRouteLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { roleAllows, type Role } from "~/console/roles";

export type ConsoleLayoutData = {
  member: { email: string; name: string; role: Role };
  brand: { slug: string; name: string };
};

/** How each role is named to people, in each language. */
export const roleNames = {
  fr: { owner: "propriétaire", editor: "éditeur·rice", viewer: "lecture seule" },
  en: { owner: "owner", editor: "editor", viewer: "read only" },
} as const;

export function useConsoleMember(): ConsoleLayoutData & { can: (need: Role) => boolean } {
  const data = useRouteLoaderData<ConsoleLayoutData>("routes/console");
  const member = data?.member ?? { email: "", name: "", role: "viewer" as Role };
  return { member, brand: data?.brand ?? { slug: "", name: "" }, can: (need) => roleAllows(member.role, need) };
}

export function ConsolePage({
  title,
  lead,
  actions,
  children,
}: {
  title: string;
  lead?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="console-page">
      <div className="console-page-head">
        <h1>{title}</h1>
        {actions ? <div className="console-actions">{actions}</div> : null}
      </div>
      {lead ? <p className="lead">{lead}</p> : null}
      {children}
    </div>
  );
}
