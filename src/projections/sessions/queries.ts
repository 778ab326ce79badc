import type { Knex } from 'knex';

/** The user's sessions not revoked: what ending all of a user's sessions goes through. */
export async function openSessionIds(knex: Knex, userId: string): Promise<string[]> {
  const rows = (await knex('auth_sessions').select('id').where({ user_id: userId }).whereNull('revoked_at')) as Array<{ id: string }>;
  return rows.map((row) => row.id);
}
