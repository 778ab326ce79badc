/**
 * The search index did not answer (Meilisearch unreachable, its PostgreSQL table missing or
 * locked): the rest of the service desk works on, and a search is worth retrying shortly.
 */
export class SearchUnavailableError extends Error {
  constructor(cause: unknown) {
    super('the search index is unavailable', { cause });
  }
}
