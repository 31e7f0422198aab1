// The API's one error shape: {error: {code, message, issues: [{path, message}]}}, with the
// status that says who must act (4xx: the caller; 503: try again later).
import type { z } from "zod";

export type ApiIssue = { path: string; message: string };
export type ApiErrorBody = { error: { code: string; message: string; issues: ApiIssue[] } };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: ApiIssue[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  get body(): ApiErrorBody {
    return { error: { code: this.code, message: this.message, issues: this.issues } };
  }
}

export function zodIssues(error: z.ZodError, prefix: (string | number)[] = []): ApiIssue[] {
  return error.issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path].map(String);
    // An unknown field is named where it stands, one issue each.
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({ path: [...path, key].join("."), message: "is not a known field" }));
    }
    return [{ path: path.join(".") || "(body)", message: issue.message }];
  });
}

export function validationError(error: z.ZodError, prefix: (string | number)[] = []): ApiError {
  const issues = zodIssues(error, prefix);
  return new ApiError(
    400,
    "invalid_request",
    `The request is not valid: ${issues[0]!.path} ${issues[0]!.message}`,
    issues,
  );
}

export const errors = {
  unauthorized: () =>
    new ApiError(
      401,
      "unauthorized",
      "Send an API key as `Authorization: Bearer msr_…` (create one with `mesure api-key create`)",
      [],
      {
        "WWW-Authenticate": 'Bearer realm="mesure"',
      },
    ),
  notFound: (path: string, message: string) => new ApiError(404, "not_found", message, [{ path, message }]),
  unprocessable: (path: string, message: string) => new ApiError(422, "unprocessable", message, [{ path, message }]),
  conflict: (message: string) =>
    new ApiError(409, "idempotency_conflict", message, [{ path: "Idempotency-Key", message }]),
  payloadTooLarge: (limitBytes: number) =>
    new ApiError(413, "payload_too_large", `The body is larger than ${limitBytes} bytes`, [
      { path: "(body)", message: `must be at most ${limitBytes} bytes` },
    ]),
  rateLimited: (retryAfterSeconds: number) =>
    new ApiError(429, "rate_limited", `Too many requests: retry in ${retryAfterSeconds} s`, [], {
      "Retry-After": String(retryAfterSeconds),
    }),
  unavailable: () =>
    new ApiError(503, "unavailable", "The database is not answering; retry shortly", [], { "Retry-After": "1" }),
};
