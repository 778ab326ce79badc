import { randomBytes } from 'node:crypto';
import type { SqlSession } from '../db/types.js';
import type { MasterKeyRing } from './master-keys.js';

/** What the key table says about one person: a usable key, or that they were forgotten. */
export type SubjectKey = { readonly state: 'live'; readonly key: Buffer } | { readonly state: 'forgotten' };

interface KeyRow {
  subject_id: string;
  master_key_id: string | null;
  wrapped_key: string | null;
}

/**
 * Per-person AES-256 data keys, wrapped by the master key ring, in `personal_data_keys`.
 * Nothing is cached: a key destroyed by one process must stop opening data in every other at once
 * (projection runners, API replicas), and reads ask for a whole page's subjects in one query.
 */
export class PersonalDataKeys {
  constructor(
    private readonly sql: SqlSession,
    private readonly masterKeys: MasterKeyRing,
    private readonly clock: () => Date,
  ) {}

  /** The subject's key, made on first use; null once they were forgotten (nothing may be sealed for them again). */
  async keyFor(subjectId: string): Promise<Buffer | null> {
    // One round trip: the new row, or the one already there. A fresh key is wrapped every time,
    // which costs microseconds; a second query would cost a round trip on every append.
    const { masterKeyId, wrapped } = this.masterKeys.wrap(randomBytes(32), subjectId);
    const { rows } = await this.sql.query<KeyRow>(
      `WITH created AS (
         INSERT INTO personal_data_keys (subject_id, master_key_id, wrapped_key, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (subject_id) DO NOTHING
         RETURNING subject_id, master_key_id, wrapped_key)
       SELECT subject_id, master_key_id, wrapped_key FROM created
       UNION ALL
       SELECT subject_id, master_key_id, wrapped_key FROM personal_data_keys WHERE subject_id = $1`,
      [subjectId, masterKeyId, wrapped, this.clock()],
    );
    // A row another writer committed while this statement ran is in neither part: read it afresh.
    const settled = rows[0] ? this.toSubjectKey(rows[0]) : (await this.lookup([subjectId])).get(subjectId);
    if (!settled) throw new Error(`the personal data key of ${subjectId} vanished while it was created`);
    return settled.state === 'live' ? settled.key : null;
  }

  /** Subjects with no row at all are absent from the map: nothing was ever sealed for them here. */
  async lookup(subjectIds: readonly string[], within?: SqlSession): Promise<Map<string, SubjectKey>> {
    const found = new Map<string, SubjectKey>();
    if (subjectIds.length === 0) return found;
    const { rows } = await (within ?? this.sql).query<KeyRow>('SELECT subject_id, master_key_id, wrapped_key FROM personal_data_keys WHERE subject_id = ANY($1::text[])', [[...new Set(subjectIds)]]);
    for (const row of rows) found.set(row.subject_id, this.toSubjectKey(row));
    return found;
  }

  private toSubjectKey(row: KeyRow): SubjectKey {
    return row.wrapped_key === null || row.master_key_id === null
      ? { state: 'forgotten' }
      : { state: 'live', key: this.masterKeys.unwrap({ masterKeyId: row.master_key_id, wrapped: row.wrapped_key }, row.subject_id) };
  }

  /**
   * Destroys the subject's key (a subject with none yet gets a "forgotten" row, so none is ever
   * made). Idempotent: the first forgetting's time is kept.
   */
  async forget(subjectId: string, at: Date): Promise<void> {
    await this.sql.query(
      `INSERT INTO personal_data_keys (subject_id, master_key_id, wrapped_key, created_at, forgotten_at) VALUES ($1, NULL, NULL, $2, $2)
       ON CONFLICT (subject_id) DO UPDATE SET master_key_id = NULL, wrapped_key = NULL, forgotten_at = COALESCE(personal_data_keys.forgotten_at, EXCLUDED.forgotten_at)`,
      [subjectId, at],
    );
  }
}
