import type { Knex } from 'knex';

/** The tenant a sign-in names by its slug; null when there is none. */
export async function tenantIdBySlug(knex: Knex, slug: string): Promise<string | null> {
  const row = (await knex('tenants').select('id').where({ slug }).first()) as { id: string } | undefined;
  return row?.id ?? null;
}
