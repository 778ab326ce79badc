import type { Knex } from 'knex';

/** What an asset import looks up once per file instead of once per row. */

export interface CategoryName {
  readonly id: string;
  readonly name: string;
}

export async function assetCategoryNames(knex: Knex, tenantId: string): Promise<CategoryName[]> {
  return (await knex('asset_categories').select('id', 'name').where({ tenant_id: tenantId })) as CategoryName[];
}

/** Emails are kept lower-cased; an id per email found in the tenant. */
export async function userIdsByEmail(knex: Knex, tenantId: string, emails: readonly string[]): Promise<Map<string, string>> {
  if (emails.length === 0) return new Map();
  const rows = (await knex('users').select('id', 'email').where({ tenant_id: tenantId }).whereIn('email', emails.map((email) => email.toLowerCase()))) as Array<{ id: string; email: string }>;
  return new Map(rows.map((row) => [row.email, row.id]));
}

/** The tenant's asset tags, lower-cased as their reservations compare them. */
export async function assetTagsInUse(knex: Knex, tenantId: string): Promise<Set<string>> {
  const rows = (await knex('assets').select(knex.raw('lower(tag) AS tag')).where({ tenant_id: tenantId })) as Array<{ tag: string }>;
  return new Set(rows.map((row) => row.tag));
}
