import type { Knex } from 'knex';
import type { DeferredWrites } from '../db/deferred-writes.js';

/**
 * The search port. Two adapters implement it (PostgreSQL full-text search, the default, and
 * Meilisearch) and both must pass test/search/contract.ts. The search projection feeds it.
 */

export const SEARCH_KINDS = ['ticket', 'article', 'asset'] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];

/** What a query can narrow on; a document without the field never matches a filter on it. */
export const FILTER_FIELDS = ['status', 'ticketType', 'priority', 'teamId', 'assigneeId', 'requesterId', 'audience', 'categoryId', 'ownerUserId'] as const;
export type FilterField = (typeof FILTER_FIELDS)[number];
export type SearchFields = Readonly<Partial<Record<FilterField, string | null>>>;
export type SearchFilters = Readonly<Partial<Record<FilterField, readonly string[]>>>;

/**
 * One searchable thing as the index holds it. Public and internal text stay in separate fields so
 * that a requester's query can only ever match, and be quoted, the public ones.
 */
export interface SearchDocument {
  readonly kind: SearchKind;
  readonly id: string;
  readonly tenantId: string;
  /** The stream revision the document reflects: an index never lets an older one replace a newer one. */
  readonly revision: number;
  /** A human key: a ticket's number, an asset's tag; null for articles. */
  readonly reference: string | null;
  readonly title: string;
  /** Public text: a ticket's description and resolution, an article's body, an asset's details. */
  readonly body: string;
  /** Comments everyone who may see the document may read. */
  readonly comments: string;
  /** Text only agents may match or read: internal comments. */
  readonly internal: string;
  readonly fields: SearchFields;
  readonly updatedAt: string;
}

export interface SearchRef {
  readonly kind: SearchKind;
  readonly id: string;
  readonly tenantId: string;
  readonly revision: number;
}

/** What the caller may match, per kind, decided from their permissions by the caller of the port. */
export interface SearchScope {
  readonly tickets: 'all' | { readonly requesterId: string } | 'none';
  readonly articles: 'all' | 'published_public' | 'none';
  readonly assets: 'all' | { readonly ownerUserId: string } | 'none';
  /** Whether internal text may be matched and quoted. */
  readonly internalText: boolean;
}

export interface SearchRequest {
  /** Mandatory: no query ever runs across tenants. */
  readonly tenantId: string;
  readonly text: string;
  readonly kinds: readonly SearchKind[];
  readonly filters: SearchFilters;
  readonly scope: SearchScope;
  readonly limit: number;
  readonly cursor?: string | undefined;
}

export interface SearchHit {
  readonly type: SearchKind;
  readonly id: string;
  readonly reference: string | null;
  readonly title: string;
  /** Plain text around the matches, each match wrapped in `**`; drawn from what the caller may read. */
  readonly snippet: string;
  /** Higher is better; comparable within one answer and one adapter only. */
  readonly score: number;
  readonly status: string | null;
  readonly updatedAt: string;
}

export interface SearchPage {
  readonly data: SearchHit[];
  readonly nextCursor: string | null;
}

/** The write half of the port: what the search projection needs. */
export interface SearchWriter {
  readonly name: 'postgres' | 'meilisearch';
  /**
   * Creates the index (tables, or remote indexes and their settings). `knex` is the projection's
   * transaction when the projection (re)creates its tables; remote adapters ignore it.
   */
  create(knex: Knex): Promise<void>;
  /** Empties and removes the index. */
  drop(knex: Knex): Promise<void>;
  /**
   * Adds or replaces documents; one whose indexed revision is the same or newer is left alone.
   * Given `deferred`, an adapter writing through `knex` leaves its statements there, for the
   * caller to send with the rest of its batch.
   */
  upsert(knex: Knex, documents: readonly SearchDocument[], deferred?: DeferredWrites): Promise<void>;
  /** Takes documents out of every answer (a soft delete); a later upsert with a newer revision brings them back. */
  remove(knex: Knex, refs: readonly SearchRef[], deferred?: DeferredWrites): Promise<void>;
}

export interface SearchIndex extends SearchWriter {
  query(request: SearchRequest): Promise<SearchPage>;
  /** Resolves once every write accepted so far answers queries (read-your-writes in tests). */
  settle(): Promise<void>;
  close(): Promise<void>;
}
