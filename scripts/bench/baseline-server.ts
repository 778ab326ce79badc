/**
 * The baselines the API is compared with, in a process of its own like the API: bare Koa and
 * @koa/router with nothing else, answering
 *
 *   GET  /hello      a constant JSON body
 *   GET  /rows/:id   one primary-key SELECT through pg
 *   POST /rows       one INSERT inside BEGIN … COMMIT
 *
 *   tsx scripts/bench/baseline-server.ts   (env BASELINE_DATABASE_URL, BASELINE_PORT, BASELINE_POOL_SIZE)
 *
 * The table (bench_baseline_rows) is made and filled by the benchmark before it starts this.
 */
import Router from '@koa/router';
import Koa from 'koa';
import pg from 'pg';
import { BASELINE_ROWS } from './baseline-rows.js';

const url = process.env.BASELINE_DATABASE_URL;
const port = Number(process.env.BASELINE_PORT ?? '0');
if (!url || !Number.isInteger(port) || port <= 0) {
  process.stderr.write('BASELINE_DATABASE_URL and BASELINE_PORT are required\n');
  process.exit(2);
}
const pool = new pg.Pool({ connectionString: url, max: Number(process.env.BASELINE_POOL_SIZE ?? '10') });
const app = new Koa();
const router = new Router();

router.get('/hello', (ctx) => {
  ctx.body = { hello: 'world' };
});

router.get('/rows/:id', async (ctx) => {
  const result = await pool.query<{ id: string; payload: unknown }>(`SELECT id, payload FROM ${BASELINE_ROWS} WHERE id = $1`, [ctx.params.id]);
  const row = result.rows[0];
  if (!row) {
    ctx.status = 404;
    return;
  }
  ctx.body = row;
});

router.post('/rows', async (ctx) => {
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await client.query<{ id: string }>(`INSERT INTO ${BASELINE_ROWS} (payload) VALUES ($1::jsonb) RETURNING id`, [Buffer.concat(chunks).toString('utf8') || '{}']);
    await client.query('COMMIT');
    ctx.status = 201;
    ctx.body = { id: result.rows[0]?.id };
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
});

app.use(router.routes());
const server = app.listen(port, '127.0.0.1');
const stop = () => {
  server.close(() => void pool.end().then(() => process.exit(0)));
  server.closeIdleConnections();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
