import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { Knex } from 'knex';
import { down, up } from '../../src/migrations/20261203_002_reporting_schema.js';
import { createTestDatabase } from '../support/database.js';

const test = suite('reporting schema migration');

const schemaExists = async (knex: Knex) => (await knex.raw<{ rows: unknown[] }>(`SELECT 1 FROM pg_namespace WHERE nspname = 'reporting'`)).rows.length === 1;
const roleExists = async (knex: Knex) => (await knex.raw<{ rows: Array<{ rolcanlogin: boolean }> }>(`SELECT rolcanlogin FROM pg_roles WHERE rolname = 'itsm_analyst'`)).rows;
const analystMay = async (knex: Knex, privilege: string, object: string) =>
  (await knex.raw<{ rows: Array<{ allowed: boolean }> }>(`SELECT has_schema_privilege('itsm_analyst', ?, ?) AS allowed`, [object, privilege])).rows[0]?.allowed;

test('creates the schema, a role that cannot log in, and default grants that cover tables created later', async () => {
  const database = await createTestDatabase();
  try {
    const { knex } = database.db;
    assert.ok(await schemaExists(knex));
    assert.equal(await roleExists(knex), [{ rolcanlogin: false }]);
    assert.equal([await analystMay(knex, 'USAGE', 'reporting'), await analystMay(knex, 'CREATE', 'reporting'), await analystMay(knex, 'CREATE', 'public')], [true, false, false]);
    await knex.raw('CREATE TABLE reporting.later (id integer)');
    const select = await knex.raw<{ rows: Array<{ allowed: boolean }> }>(`SELECT has_table_privilege('itsm_analyst', 'reporting.later', 'SELECT') AS allowed, has_table_privilege('itsm_analyst', 'reporting.later', 'INSERT') AS writes`);
    assert.equal(select.rows[0], { allowed: true, writes: false });
    const events = await knex.raw<{ rows: Array<{ allowed: boolean }> }>(`SELECT has_table_privilege('itsm_analyst', 'public.es_events', 'SELECT') AS allowed`);
    assert.is(events.rows[0]?.allowed, false);
  } finally {
    await database.drop();
  }
});

test('down drops the schema and keeps the cluster-wide role; up again finds the role and succeeds', async () => {
  const database = await createTestDatabase();
  try {
    const { knex } = database.db;
    await down(knex);
    assert.not.ok(await schemaExists(knex));
    assert.is((await roleExists(knex)).length, 1);
    await up(knex);
    assert.ok(await schemaExists(knex));
    assert.is(await analystMay(knex, 'USAGE', 'reporting'), true);
  } finally {
    await database.drop();
  }
});

test.run();
