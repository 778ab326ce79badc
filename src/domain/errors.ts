/**
 * The handful of errors the domain and the command layer raise. Each says what went wrong in the
 * service desk's terms; src/api/problem.ts decides how each is shown to a client.
 */

export interface FieldError {
  /** JSON pointer into the request body or query, e.g. `/impact`. */
  readonly path: string;
  readonly message: string;
}

export abstract class DomainError extends Error {
  abstract readonly kind: 'validation' | 'not_found' | 'illegal_state' | 'concurrency' | 'conflict' | 'forbidden' | 'unauthorized' | 'rate_limited';
}

export class ValidationError extends DomainError {
  readonly kind = 'validation';
  constructor(
    message: string,
    readonly errors: readonly FieldError[] = [],
  ) {
    super(message);
  }
}

export class NotFoundError extends DomainError {
  readonly kind = 'not_found';
}

/** The command does not fit the current state (closing a closed ticket). */
export class IllegalStateError extends DomainError {
  readonly kind = 'illegal_state';
  constructor(
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

/** The caller's If-Match (expected version) is stale. */
export class ConcurrencyError extends DomainError {
  readonly kind = 'concurrency';
  constructor(
    message: string,
    readonly currentVersion: number | null,
  ) {
    super(message);
  }
}

/** Someone else kept winning the race; retrying did not help. */
export class ConflictError extends DomainError {
  readonly kind = 'conflict';
}

export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden';
}

export class UnauthorizedError extends DomainError {
  readonly kind = 'unauthorized';
}

export class RateLimitedError extends DomainError {
  readonly kind = 'rate_limited';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
