// Recognising database errors the models turn into domain errors.

/** A unique constraint refused the write (Prisma P2002): someone else wrote the same key first. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}
