import type { IncomingMessage } from 'node:http';
import { Transform } from 'node:stream';
import Router from '@koa/router';
import { CsvError, parse } from 'csv-parse';
import type { Middleware } from 'koa';
import { z } from 'zod';
import type { CmdbDependencies } from '../../commands/cmdb/asset-categories.js';
import type { AssetImportReport } from '../../commands/cmdb/import.js';
import { importAssets } from '../../commands/cmdb/import.js';
import { authorize } from '../../commands/identity/actor.js';
import { ASSET_STATUSES } from '../../domain/cmdb/index.js';
import { ASSET_SHEET_FIELDS, ATTRIBUTE_COLUMN_PREFIX, cellOfAttribute } from '../../domain/cmdb/asset-row.js';
import { ValidationError } from '../../domain/errors.js';
import type { JsonValue, LogPosition } from '../../eventstore/types.js';
import { formatPosition } from '../../eventstore/types.js';
import type { AssetSheetEntry } from '../../projections/cmdb/export.js';
import { exportedAssets, exportedAttributeNames } from '../../projections/cmdb/export.js';
import type { AppContext, AppState } from '../context.js';
import { commandContext } from '../http.js';
import { actorOf } from '../identity/actor.js';
import type { CsvRecord } from '../csv.js';
import { csvStream, unguardedCell } from '../csv.js';
import { HttpProblem, problemType } from '../problem.js';
import { parseInput } from '../validation.js';

export interface AssetTransferDependencies extends CmdbDependencies {
  /** The most data rows, and bytes, one import may carry. */
  readonly maxRows: number;
  readonly maxBytes: number;
}

const IMPORT_PATH = /^\/api\/v1\/assets\/import\/?$/;

/** The import reads its own (CSV) body as a stream: the app's JSON body parser must let it through. */
export const isAssetImport = (path: string): boolean => IMPORT_PATH.test(path);

export const importQuery = z.object({ dryRun: z.enum(['true', 'false']).optional() }).strict();
export const exportQuery = z.object({ status: z.enum(ASSET_STATUSES).optional(), categoryId: z.uuid().transform((id) => id.toLowerCase()).optional() }).strict();

/**
 * `/api/v1/assets/import` and `/export`: the CMDB in and out as CSV, one asset per row, with the
 * same columns both ways. Admins and managers import; every agent exports.
 *
 * The import is not behind Idempotency-Key: the key's fingerprint cannot cover a body read as a
 * stream. A retried import is safe without it, since every tag already written is refused.
 */
export function assetTransferRouter(deps: AssetTransferDependencies, authenticate: Middleware<AppState>, waitFor: (position: LogPosition) => Promise<boolean>): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1/assets' });
  router.use(authenticate);

  router.post('/import', async (ctx) => {
    try {
      const actor = actorOf(ctx);
      authorize(actor, 'asset.import');
      const query = parseInput(importQuery, ctx.query, 'query');
      requireCsv(ctx, deps.maxBytes);
      const records = csvRecords(ctx.req, deps);
      const { report, refused, position } = await importAssets(deps, actor, records, { dryRun: query.dryRun === 'true' }, commandContext(ctx, actor, deps.clock()));
      if (refused) {
        refuseImport(ctx, report);
        return;
      }
      if (position && !(await waitFor(position))) {
        ctx.status = 202;
        ctx.body = { ...report, position: formatPosition(position) };
        return;
      }
      ctx.status = 200;
      ctx.body = report;
    } finally {
      // Refused before the end of the file: the rest is read and dropped, so the client, still
      // sending, gets the answer instead of a reset connection.
      if (!ctx.req.complete) {
        ctx.req.unpipe();
        ctx.req.resume();
      }
    }
  });

  router.get('/export', async (ctx) => {
    const query = parseInput(exportQuery, ctx.query, 'query');
    const actor = actorOf(ctx);
    authorize(actor, 'asset.read');
    const filter = { status: query.status, categoryId: query.categoryId };
    const attributes = await exportedAttributeNames(deps.knex, actor.tenantId, filter);
    ctx.status = 200;
    ctx.type = 'text/csv; charset=utf-8';
    ctx.set('Content-Disposition', `attachment; filename="assets-${deps.clock().toISOString().slice(0, 10)}.csv"`);
    ctx.body = csvStream(assetRecords(attributes, exportedAssets(deps.knex, actor.tenantId, filter)));
  });
  return router;
}

/**
 * 422 with the report: nothing was imported. `errors` locates each problem as every validation
 * answer does (`/rows/<row>/<column>`); `report.errors` groups them per row, with the tag.
 */
function refuseImport(ctx: AppContext, report: AssetImportReport): void {
  ctx.status = 422;
  ctx.body = {
    type: problemType('import-rows'),
    title: 'Rows cannot be imported',
    status: 422,
    detail: `${report.failed} of ${report.rows} rows cannot be imported, so nothing was; fix them and send the file again`,
    errors: report.errors.flatMap((failure) => failure.errors.map((problem) => ({ path: `/rows/${failure.row}/${problem.field}`, message: problem.message }))),
    report,
  };
  ctx.type = 'application/problem+json';
}

function requireCsv(ctx: AppContext, maxBytes: number): void {
  if (ctx.request.type !== 'text/csv') {
    throw new HttpProblem(415, 'unsupported-media-type', 'Unsupported Media Type', `expected text/csv, got ${ctx.get('Content-Type') || 'no Content-Type'}`, { Accept: 'text/csv' });
  }
  const length = ctx.request.length;
  if (length !== undefined && length > maxBytes) throw tooLarge(`the file is larger than ${maxBytes} bytes`);
}

function tooLarge(detail: string): HttpProblem {
  return new HttpProblem(413, 'body-too-large', 'Content Too Large', detail);
}

/**
 * The request body parsed as it arrives, record by record (the header first), never held whole.
 * Past the byte or row limit, or on a broken file, iteration fails with the matching problem.
 */
async function* csvRecords(req: IncomingMessage, limits: { readonly maxRows: number; readonly maxBytes: number }): AsyncGenerator<string[]> {
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done(bytes > limits.maxBytes ? tooLarge(`the file is larger than ${limits.maxBytes} bytes`) : null, chunk);
    },
  });
  const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true, max_record_size: 1_048_576 });
  counter.on('error', (error) => parser.destroy(error));
  req.on('error', (error) => parser.destroy(error));
  req.pipe(counter).pipe(parser);
  let seen = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      seen += 1;
      if (seen - 1 > limits.maxRows) throw tooLarge(`the file has more than ${limits.maxRows} data rows`);
      // PostgreSQL text cannot hold U+0000: refuse it here rather than fail in SQL.
      if (record.some((cell) => cell.includes('\u0000'))) throw unreadable(`line ${seen}: a cell contains a NUL character`);
      yield record.map(unguardedCell);
    }
  } catch (error) {
    if (error instanceof CsvError) throw unreadable(error.message);
    throw error;
  } finally {
    parser.destroy();
  }
}

function unreadable(message: string): ValidationError {
  return new ValidationError('the CSV cannot be read', [{ path: '/body', message }]);
}

/** The header, then one record per asset; a number attribute stays a number (no formula guard on `-3`). */
async function* assetRecords(attributes: readonly string[], entries: AsyncIterable<AssetSheetEntry>): AsyncGenerator<CsvRecord> {
  yield [...ASSET_SHEET_FIELDS, ...attributes.map((name) => `${ATTRIBUTE_COLUMN_PREFIX}${name}`)];
  for await (const entry of entries) {
    const fields = ASSET_SHEET_FIELDS.map((field) => entry[field] ?? '');
    yield [...fields, ...attributes.map((name) => attributeCell(entry.attributes[name]))];
  }
}

function attributeCell(value: JsonValue | undefined): string | number {
  return typeof value === 'number' ? value : cellOfAttribute(value);
}
