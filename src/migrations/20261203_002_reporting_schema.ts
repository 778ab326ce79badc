import type { Knex } from 'knex';

export const REPORTING_SCHEMA = 'reporting';
export const ANALYST_ROLE = 'itsm_analyst';

/**
 * The `reporting` schema, which the reporting projection fills, and the read-only role analysts'
 * tools connect through (docs/reporting.md). The schema belongs to a migration rather than to the
 * projection so that its grants survive every rebuild: the projection drops and re-creates only
 * its tables, and the default privileges below make each new one readable by the role.
 *
 * Roles are cluster-wide while migrations run per database (tests create many databases on one
 * server at once), so the role is created only when missing, and a concurrent creation elsewhere
 * is taken as success. The role gets nothing in `public`: only what PUBLIC already has there,
 * which on PostgreSQL 15+ is no table at all.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE SCHEMA IF NOT EXISTS ${REPORTING_SCHEMA}`);
  await knex.raw(`
    DO $$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${ANALYST_ROLE}') THEN
        CREATE ROLE ${ANALYST_ROLE} NOLOGIN;
      END IF;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL;
    END
    $$`);
  await knex.raw(`REVOKE ALL ON SCHEMA ${REPORTING_SCHEMA} FROM PUBLIC`);
  await knex.raw(`GRANT USAGE ON SCHEMA ${REPORTING_SCHEMA} TO ${ANALYST_ROLE}`);
  await knex.raw(`GRANT SELECT ON ALL TABLES IN SCHEMA ${REPORTING_SCHEMA} TO ${ANALYST_ROLE}`);
  await knex.raw(`ALTER DEFAULT PRIVILEGES IN SCHEMA ${REPORTING_SCHEMA} GRANT SELECT ON TABLES TO ${ANALYST_ROLE}`);
}

/** Leaves the role: it is shared by every database on the server, and may hold grants in others. */
export async function down(knex: Knex): Promise<void> {
  await knex.raw(`ALTER DEFAULT PRIVILEGES IN SCHEMA ${REPORTING_SCHEMA} REVOKE SELECT ON TABLES FROM ${ANALYST_ROLE}`);
  await knex.raw(`DROP SCHEMA IF EXISTS ${REPORTING_SCHEMA} CASCADE`);
}
