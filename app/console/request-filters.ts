// The statuses the console's list of erasure requests can be filtered by, shared by its loader
// and its page (a *.server module is empty in the browser).
import { z } from "zod";

export const REQUEST_FILTERS = [
  "all",
  "open",
  "overdue",
  "scheduled",
  "propagating",
  "completed",
  "cancelled",
] as const;
export const RequestFilter = z.enum(REQUEST_FILTERS);
export type RequestFilter = z.infer<typeof RequestFilter>;
