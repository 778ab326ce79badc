/**
 * The backing store did not answer in time or failed. Callers choose whether to fail open or
 * closed (a rate limit may let the request through; a deny-list check should not), so this error
 * is raised rather than guessed around.
 */
export class VolatileStateUnavailableError extends Error {
  override readonly name = 'VolatileStateUnavailableError';
  constructor(
    readonly operation: string,
    cause: unknown,
  ) {
    super(`volatile state unavailable during ${operation}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}
