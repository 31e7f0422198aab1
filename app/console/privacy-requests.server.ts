// Erasure requests as the console lists them: by status, overdue ones (still open past their
// one-month deadline) first, each with how far its systems have got; and one request in full,
// each connector's state included. Reads only, always within the member's brand.
import { z } from "zod";
import type { Tx } from "~/db/client.server";
import { getErasureStatus, type ErasureStatus } from "~/privacy/erasure.server";
import type { RequestFilter } from "./request-filters";

export const RequestIdParam = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

const OPEN = ["scheduled", "propagating"];
const PAGE = 50;

export type RequestRow = {
  id: string;
  status: string;
  via: string;
  requestedAt: Date;
  executeAt: Date;
  deadlineAt: Date;
  completedAt: Date | null;
  cancelledAt: Date | null;
  customer: { id: string; externalId: string | null };
  overdue: boolean;
  /** Connectors told so far and how many acknowledged (none are told before the erasure runs). */
  dispatches: { total: number; acknowledged: number };
};

const rowSelect = {
  id: true,
  status: true,
  via: true,
  requestedAt: true,
  executeAt: true,
  deadlineAt: true,
  completedAt: true,
  cancelledAt: true,
  customer: { select: { id: true, externalId: true, erasedAt: true } },
  dispatches: { select: { status: true } },
} as const;

type Selected = {
  id: string;
  status: string;
  via: string;
  requestedAt: Date;
  executeAt: Date;
  deadlineAt: Date;
  completedAt: Date | null;
  cancelledAt: Date | null;
  customer: { id: string; externalId: string; erasedAt: Date | null };
  dispatches: { status: string }[];
};

/** Still open after its deadline: what the brand must act on first. */
export function isOverdue(request: { status: string; deadlineAt: Date }, now: Date): boolean {
  return OPEN.includes(request.status) && request.deadlineAt.getTime() < now.getTime();
}

function toRow(row: Selected, now: Date): RequestRow {
  return {
    id: row.id,
    status: row.status,
    via: row.via,
    requestedAt: row.requestedAt,
    executeAt: row.executeAt,
    deadlineAt: row.deadlineAt,
    completedAt: row.completedAt,
    cancelledAt: row.cancelledAt,
    // An erased customer's external id is gone with the rest of their data.
    customer: { id: row.customer.id, externalId: row.customer.erasedAt ? null : row.customer.externalId },
    overdue: isOverdue(row, now),
    dispatches: {
      total: row.dispatches.length,
      acknowledged: row.dispatches.filter((dispatch) => dispatch.status === "acknowledged").length,
    },
  };
}

/**
 * A page of the brand's requests for the filter: on the first page the overdue ones lead (oldest
 * deadline first), then the others, newest first; `cursor` (a request id) continues the latter.
 */
export async function listRequestsForConsole(
  db: Tx,
  brandId: string,
  input: { filter: RequestFilter; now: Date; cursor?: string },
): Promise<{ requests: RequestRow[]; next: string | null }> {
  const { filter, now } = input;
  const overdueWhere = { brandId, status: { in: OPEN }, deadlineAt: { lt: now } };
  const showsOverdue = filter === "all" || filter === "open" || filter === "overdue" || OPEN.includes(filter);
  const overdue =
    showsOverdue && !input.cursor
      ? await db.erasureRequest.findMany({
          where: OPEN.includes(filter) ? { ...overdueWhere, status: filter } : overdueWhere,
          orderBy: [{ deadlineAt: "asc" }, { id: "asc" }],
          take: 200,
          select: rowSelect,
        })
      : [];
  if (filter === "overdue") return { requests: overdue.map((row) => toRow(row, now)), next: null };

  const statusWhere = filter === "all" ? {} : filter === "open" ? { status: { in: OPEN } } : { status: filter };
  // The overdue ones were listed above: the rest excludes them.
  const rest = await db.erasureRequest.findMany({
    where: {
      brandId,
      ...statusWhere,
      NOT: { status: { in: OPEN }, deadlineAt: { lt: now } },
    },
    orderBy: [{ requestedAt: "desc" }, { id: "desc" }],
    take: PAGE + 1,
    ...(input.cursor ? { cursor: { id: input.cursor }, skip: 1 } : {}),
    select: rowSelect,
  });
  const page = rest.slice(0, PAGE);
  return {
    requests: [...overdue, ...page].map((row) => toRow(row, now)),
    next: rest.length > PAGE ? page.at(-1)!.id : null,
  };
}

export type RequestDetail = ErasureStatus & {
  customer: { id: string; externalId: string | null };
  overdue: boolean;
  /** Each connector's last HTTP answer, by name (getErasureStatus leaves it out). */
  lastStatus: Record<string, number | null>;
};

/** One request of the brand with every system's state, or null (another brand's is unknown here). */
export async function getRequestForConsole(
  db: Tx,
  brandId: string,
  requestId: string,
  now: Date,
): Promise<RequestDetail | null> {
  const [status, extra] = await Promise.all([
    getErasureStatus(db, { brandId, requestId }),
    db.erasureRequest.findFirst({
      where: { id: requestId, brandId },
      select: {
        customer: { select: { id: true, externalId: true, erasedAt: true } },
        dispatches: { select: { connectorName: true, lastStatus: true } },
      },
    }),
  ]);
  if (!status || !extra) return null;
  return {
    ...status,
    customer: { id: extra.customer.id, externalId: extra.customer.erasedAt ? null : extra.customer.externalId },
    overdue: isOverdue(status, now),
    lastStatus: Object.fromEntries(extra.dispatches.map((dispatch) => [dispatch.connectorName, dispatch.lastStatus])),
  };
}
