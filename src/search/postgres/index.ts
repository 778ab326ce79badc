import type { Knex } from 'knex';
import { decodeScoreCursor, encodeScoreCursor } from '../cursor.js';
import type { ParsedQuery } from '../query-text.js';
import { correctableWords, parseQueryText, vocabularyOf } from '../query-text.js';
import type { FilterField, SearchDocument, SearchHit, SearchIndex, SearchKind, SearchPage, SearchRef, SearchRequest, SearchScope, SearchWriter } from '../types.js';
import { FILTER_FIELDS } from '../types.js';
import type { DeferredWrites } from '../../db/deferred-writes.js';

export const SEARCH_INDEX = 'search_index';
/** Every word the tenant's documents hold, for spelling correction by trigram similarity. */
export const SEARCH_TERMS = 'search_terms';

const COLUMN: Readonly<Record<FilterField, string>> = {
  status: 'status',
  ticketType: 'ticket_type',
  priority: 'priority',
  teamId: 'team_id',
  assigneeId: 'assignee_id',
  requesterId: 'requester_id',
  audience: 'audience',
  categoryId: 'category_id',
  ownerUserId: 'owner_user_id',
};

// Title (with the reference) weighs most, then the body, then comments: ts_rank_cd's A, B, C.
const PUBLIC_VECTOR = `setweight(to_tsvector('english', coalesce(reference, '') || ' ' || title), 'A') || setweight(to_tsvector('english', body), 'B') || setweight(to_tsvector('english', comments), 'C')`;
const AGENT_VECTOR = `${PUBLIC_VECTOR} || setweight(to_tsvector('english', internal), 'C')`;

const HEADLINE_OPTIONS = 'StartSel="**", StopSel="**", MaxWords=24, MinWords=8, MaxFragments=2, FragmentDelimiter=" … "';

const WRITE_CHUNK = 500;
/** Known words remembered per index, so most queries skip the spelling look-up; cleared when full. */
const KNOWN_WORDS_CAP = 50_000;

interface HitRow {
  kind: SearchKind;
  id: string;
  reference: string | null;
  title: string;
  status: string | null;
  updated_at: Date;
  score: number;
  score_text: string;
  snippet: string;
}

/**
 * Full-text search in PostgreSQL (or PGlite): weighted tsvector columns kept by the database
 * itself, ranked with ts_rank_cd, quoted with ts_headline. A word the tenant's documents never
 * contain is also looked for as its nearest known spelling (pg_trgm), so one typo still finds it.
 * Pages are keyset on (score, id): stable while the matching documents do not change.
 */
export const postgresSearchWriter: SearchWriter = {
  name: 'postgres',

  async create(knex: Knex): Promise<void> {
    await knex.raw('CREATE EXTENSION IF NOT EXISTS pg_trgm');
    await knex.raw(`
      CREATE TABLE ${SEARCH_INDEX} (
        kind text NOT NULL,
        id uuid NOT NULL,
        tenant_id uuid NOT NULL,
        revision integer NOT NULL,
        deleted boolean NOT NULL DEFAULT false,
        reference text,
        title text NOT NULL,
        body text NOT NULL,
        comments text NOT NULL,
        internal text NOT NULL,
        ${FILTER_FIELDS.map((field) => `${COLUMN[field]} text`).join(',\n        ')},
        updated_at timestamptz NOT NULL,
        public_tsv tsvector GENERATED ALWAYS AS (${PUBLIC_VECTOR}) STORED,
        agent_tsv tsvector GENERATED ALWAYS AS (${AGENT_VECTOR}) STORED,
        PRIMARY KEY (kind, id)
      )`);
    await knex.raw(`CREATE INDEX search_index_public ON ${SEARCH_INDEX} USING gin (public_tsv)`);
    await knex.raw(`CREATE INDEX search_index_agent ON ${SEARCH_INDEX} USING gin (agent_tsv)`);
    await knex.raw(`CREATE INDEX search_index_tenant ON ${SEARCH_INDEX} (tenant_id, kind)`);
    await knex.raw(`CREATE TABLE ${SEARCH_TERMS} (tenant_id uuid NOT NULL, term text NOT NULL, PRIMARY KEY (tenant_id, term))`);
    await knex.raw(`CREATE INDEX search_terms_trgm ON ${SEARCH_TERMS} USING gin (term gin_trgm_ops)`);
  },

  async drop(knex: Knex): Promise<void> {
    await knex.raw(`DROP TABLE IF EXISTS ${SEARCH_INDEX}, ${SEARCH_TERMS}`);
  },

  async upsert(knex: Knex, documents: readonly SearchDocument[], deferred?: DeferredWrites): Promise<void> {
    const write = async (statement: Knex.QueryBuilder | Knex.Raw): Promise<void> => {
      if (deferred) deferred.add(statement);
      else await statement;
    };
    for (let start = 0; start < documents.length; start += WRITE_CHUNK) {
      const chunk = documents.slice(start, start + WRITE_CHUNK);
      const rows = chunk.map((doc) => ({
        kind: doc.kind,
        id: doc.id,
        tenant_id: doc.tenantId,
        revision: doc.revision,
        deleted: false,
        reference: doc.reference,
        title: doc.title,
        body: doc.body,
        comments: doc.comments,
        internal: doc.internal,
        ...Object.fromEntries(FILTER_FIELDS.map((field) => [COLUMN[field], doc.fields[field] ?? null])),
        updated_at: doc.updatedAt,
      }));
      const columns = Object.keys(rows[0]!).filter((column) => column !== 'kind' && column !== 'id');
      await write(knex(SEARCH_INDEX).insert(rows).onConflict(['kind', 'id']).merge(columns).where(`${SEARCH_INDEX}.revision`, '<', knex.raw('excluded.revision')));
      const byTenant = new Map<string, Set<string>>();
      for (const doc of chunk) {
        const words = byTenant.get(doc.tenantId) ?? new Set<string>();
        for (const word of vocabularyOf([doc.reference ?? '', doc.title, doc.body, doc.comments, doc.internal])) words.add(word);
        byTenant.set(doc.tenantId, words);
      }
      for (const [tenantId, words] of byTenant) {
        await write(knex.raw(`INSERT INTO ${SEARCH_TERMS} (tenant_id, term) SELECT ?::uuid, unnest(?::text[]) ON CONFLICT DO NOTHING`, [tenantId, [...words]]));
      }
    }
  },

  async remove(knex: Knex, refs: readonly SearchRef[], deferred?: DeferredWrites): Promise<void> {
    for (const ref of refs) {
      // A tombstone, not a delete: it keeps the revision, so a late older upsert cannot bring the document back.
      const tombstone = knex.raw(
        `INSERT INTO ${SEARCH_INDEX} (kind, id, tenant_id, revision, deleted, title, body, comments, internal, updated_at)
         VALUES (?, ?, ?, ?, true, '', '', '', '', now())
         ON CONFLICT (kind, id) DO UPDATE SET deleted = true, revision = excluded.revision WHERE ${SEARCH_INDEX}.revision < excluded.revision`,
        [ref.kind, ref.id, ref.tenantId, ref.revision],
      );
      if (deferred) deferred.add(tombstone);
      else await tombstone;
    }
  },
};

export class PostgresSearchIndex implements SearchIndex {
  readonly name = 'postgres';
  readonly create = (knex: Knex): Promise<void> => postgresSearchWriter.create(knex);
  readonly drop = (knex: Knex): Promise<void> => postgresSearchWriter.drop(knex);
  readonly upsert = (knex: Knex, documents: readonly SearchDocument[], deferred?: DeferredWrites): Promise<void> => postgresSearchWriter.upsert(knex, documents, deferred);
  readonly remove = (knex: Knex, refs: readonly SearchRef[], deferred?: DeferredWrites): Promise<void> => postgresSearchWriter.remove(knex, refs, deferred);

  /**
   * `tenant word` pairs the tenant's documents are known to contain. The vocabulary only grows
   * (upserts add words, nothing removes them), so a word once known needs no correction again.
   */
  private readonly knownWords = new Set<string>();

  constructor(private readonly knex: Knex) {}

  async query(request: SearchRequest): Promise<SearchPage> {
    // A forged cursor is the caller's mistake whatever the text: checked before anything else.
    const after = request.cursor ? decodeScoreCursor(request.cursor) : null;
    const kinds = request.kinds.filter((kind) => allowed(request.scope, kind));
    const parsed = parseQueryText(request.text);
    if (kinds.length === 0 || parsed.length === 0) return { data: [], nextCursor: null };
    const corrections = await this.corrections(request.tenantId, parsed);
    const built = tsqueryOf(parsed, corrections);
    const vector = request.scope.internalText ? 'agent_tsv' : 'public_tsv';
    const snippetText = request.scope.internalText ? `concat_ws(' ', body, comments, internal)` : `concat_ws(' ', body, comments)`;
    // The tsquery is built inside the statement rather than in a round trip of its own: its
    // functions are immutable and their arguments bound values, so the planner folds it into a
    // constant and still weighs the GIN index against the tenant's rows. A query with no lexemes
    // (only stop words) matches nothing.
    const rank = `ts_rank_cd(${vector}, q.query, 1)`;
    const where: string[] = ['tenant_id = ?::uuid', 'NOT deleted', 'kind = ANY(?::text[])', `${vector} @@ q.query`];
    const bindings: Knex.RawBinding[] = [request.tenantId, kinds];
    const scope = scopeSql(request.scope);
    where.push(scope.sql);
    bindings.push(...scope.bindings);
    for (const field of FILTER_FIELDS) {
      const values = request.filters[field];
      if (values && values.length > 0) {
        where.push(`${COLUMN[field]} = ANY(?::text[])`);
        bindings.push([...values]);
      }
    }
    if (after) {
      where.push(`(${rank} < ?::real OR (${rank} = ?::real AND id > ?::uuid))`);
      bindings.push(after.score, after.score, after.id);
    }
    bindings.push(request.limit + 1);
    const result = await this.knex.raw<{ rows: HitRow[] }>(
      `SELECT s.kind, s.id, s.reference, s.title, s.status, s.updated_at, s.score, s.score::text AS score_text,
              ts_headline('english', s.snippet_text, s.query, '${HEADLINE_OPTIONS}') AS snippet
       FROM (
         SELECT kind, id, reference, title, status, updated_at, ${snippetText} AS snippet_text, ${rank} AS score, q.query
         FROM ${SEARCH_INDEX}, (SELECT (${built.sql}) AS query) q
         WHERE ${where.join(' AND ')}
         ORDER BY score DESC, id ASC
         LIMIT ?
       ) s
       ORDER BY s.score DESC, s.id ASC`,
      // In text order: the query's words, then the conditions and the limit.
      [...built.bindings, ...bindings],
    );
    const rows = result.rows;
    const page = rows.slice(0, request.limit);
    const last = page.at(-1);
    return {
      data: page.map(
        (row): SearchHit => ({
          type: row.kind,
          id: row.id,
          reference: row.reference,
          title: row.title,
          snippet: row.snippet,
          score: Number(row.score),
          status: row.status,
          updatedAt: new Date(row.updated_at).toISOString(),
        }),
      ),
      nextCursor: rows.length > request.limit && last ? encodeScoreCursor(last.score_text, last.id) : null,
    };
  }

  /** For each query word the tenant's documents never contain, the nearest word they do contain. */
  private async corrections(tenantId: string, parsed: ParsedQuery): Promise<ReadonlyMap<string, string>> {
    const words = correctableWords(parsed).filter((word) => !this.knownWords.has(`${tenantId} ${word}`));
    if (words.length === 0) return new Map();
    const result = await this.knex.raw<{ rows: Array<{ word: string; known: boolean; term: string | null }> }>(
      `SELECT w.word, k.known,
              CASE WHEN k.known THEN NULL ELSE
                (SELECT t.term FROM ${SEARCH_TERMS} t WHERE t.tenant_id = ?::uuid AND t.term % w.word ORDER BY similarity(t.term, w.word) DESC, t.term LIMIT 1)
              END AS term
       FROM unnest(?::text[]) AS w(word),
            LATERAL (SELECT EXISTS (SELECT 1 FROM ${SEARCH_TERMS} e WHERE e.tenant_id = ?::uuid AND e.term = w.word) AS known) k`,
      [tenantId, words, tenantId],
    );
    if (this.knownWords.size > KNOWN_WORDS_CAP) this.knownWords.clear();
    for (const row of result.rows) if (row.known) this.knownWords.add(`${tenantId} ${row.word}`);
    return new Map(result.rows.flatMap((row) => (row.term ? [[row.word, row.term] as const] : [])));
  }

  settle(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

function allowed(scope: SearchScope, kind: SearchKind): boolean {
  if (kind === 'ticket') return scope.tickets !== 'none';
  if (kind === 'article') return scope.articles !== 'none';
  return scope.assets !== 'none';
}

function scopeSql(scope: SearchScope): { sql: string; bindings: Knex.RawBinding[] } {
  const parts: string[] = [];
  const bindings: Knex.RawBinding[] = [];
  if (scope.tickets === 'all') parts.push(`kind = 'ticket'`);
  else if (scope.tickets !== 'none') {
    parts.push(`(kind = 'ticket' AND requester_id = ?)`);
    bindings.push(scope.tickets.requesterId);
  }
  if (scope.articles === 'all') parts.push(`kind = 'article'`);
  else if (scope.articles === 'published_public') parts.push(`(kind = 'article' AND status = 'published' AND audience = 'public')`);
  if (scope.assets === 'all') parts.push(`kind = 'asset'`);
  else if (scope.assets !== 'none') {
    parts.push(`(kind = 'asset' AND owner_user_id = ?)`);
    bindings.push(scope.assets.ownerUserId);
  }
  return { sql: parts.length > 0 ? `(${parts.join(' OR ')})` : 'false', bindings };
}

/** The parsed text as one tsquery expression: every user string reaches SQL as a binding. */
function tsqueryOf(parsed: ParsedQuery, corrections: ReadonlyMap<string, string>): { sql: string; bindings: Knex.RawBinding[] } {
  const bindings: Knex.RawBinding[] = [];
  const groups = parsed.map((group) => {
    const clauses = group.map((clause) => {
      if (clause.kind === 'phrase') {
        bindings.push(clause.text);
        return clause.negated ? `(!! phraseto_tsquery('english', ?))` : `phraseto_tsquery('english', ?)`;
      }
      if (clause.negated) {
        bindings.push(clause.text);
        return `(!! websearch_to_tsquery('english', ?))`;
      }
      const alternatives = [`websearch_to_tsquery('english', ?)`];
      bindings.push(clause.text);
      if (clause.prefix) {
        // Plain letters and digits only (the parser saw to it), so the lexeme needs no escaping.
        alternatives.push(`to_tsquery('simple', ?)`);
        bindings.push(`${clause.text.toLowerCase()}:*`);
      }
      const corrected = corrections.get(clause.text.toLowerCase());
      if (corrected) {
        alternatives.push(`websearch_to_tsquery('english', ?)`);
        bindings.push(corrected);
      }
      return alternatives.length === 1 ? alternatives[0]! : `(${alternatives.join(' || ')})`;
    });
    return `(${clauses.join(' && ')})`;
  });
  return { sql: groups.join(' || '), bindings };
}
