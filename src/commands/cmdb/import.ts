import { randomUUID } from 'node:crypto';
import type { AssetCategoryFact, AssetCommand, AssetEvent, OwnerFact } from '../../domain/cmdb/index.js';
import { ASSET_STATUSES, assetDecider, assetStream, assetTagReservationDecider, assetTagStream } from '../../domain/cmdb/index.js';
import type { AssetSheetColumn, RowProblem } from '../../domain/cmdb/asset-row.js';
import { attributesFromCells, readAssetSheetHeader, readAssetSheetRow, rowProblemOf } from '../../domain/cmdb/asset-row.js';
import type { DomainEvent } from '../../domain/decider.js';
import { ValidationError } from '../../domain/errors.js';
import { userDecider, userStream } from '../../domain/identity/index.js';
import type { LogPosition } from '../../eventstore/types.js';
import { comparePositions } from '../../eventstore/types.js';
import { assetCategoryNames, assetTagsInUse, userIdsByEmail } from '../../projections/cmdb/import-lookups.js';
import { loadAggregate } from '../handle.js';
import type { CommandContext } from '../metadata.js';
import { metadataFor } from '../metadata.js';
import type { Actor } from '../identity/actor.js';
import { authorize } from '../identity/actor.js';
import type { CmdbDependencies } from './asset-categories.js';
import { loadAssetCategory } from './asset-categories.js';

type RegisterAsset = Extract<AssetCommand, { type: 'RegisterAsset' }>;

export interface AssetImportOptions {
  /** Check every row and report, writing nothing. */
  readonly dryRun: boolean;
  /** How many row failures the report lists; the rest are only counted. */
  readonly listedErrors?: number;
  /** Batches written at once: enough to keep a server busy, few enough to leave its pool room for others. */
  readonly concurrency?: number;
}

/** `row` counts data rows from 1: the header is row 0. */
export interface AssetImportRowError {
  readonly row: number;
  readonly tag: string | null;
  readonly errors: readonly RowProblem[];
}

export interface AssetImportReport {
  readonly dryRun: boolean;
  /** Data rows read. */
  readonly rows: number;
  /** Rows that passed every check. */
  readonly valid: number;
  /** Assets registered (0 on a dry run). */
  readonly imported: number;
  readonly failed: number;
  readonly errors: readonly AssetImportRowError[];
  /** Failed rows past the listed ones. */
  readonly errorsOmitted: number;
}

export interface AssetImportResult {
  readonly report: AssetImportReport;
  /** Rows failed their checks, so nothing was written: the file is imported whole or not at all. */
  readonly refused: boolean;
  /** The last position written, for read-your-writes; null when nothing was. */
  readonly position: LogPosition | null;
}

interface CheckedRow {
  readonly row: number;
  readonly tag: string;
  readonly assetId: string;
  readonly events: readonly AssetEvent[];
}

/** Rows per write: 500 appends in one transaction, short enough not to hold PGlite's one connection for long. */
const BATCH_ROWS = 250;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Registers one asset per CSV row, each exactly as `createAsset` would (the same deciders, the same
 * events, the tag reserved first), after every row has been checked: the whole file is read before
 * anything is written, so a bad header, a broken file or an oversized one writes nothing, and so
 * does a single bad row: a desk fixes the rows the report lists and sends the same file again,
 * without working out which half of it went in. The one exception is a tag another registration
 * takes while the file is being written: that row is reported, the others stay imported.
 * `records` yields the header first, then the data rows.
 */
export async function importAssets(deps: CmdbDependencies, actor: Actor, records: AsyncIterable<readonly string[]>, options: AssetImportOptions, context: CommandContext): Promise<AssetImportResult> {
  authorize(actor, 'asset.import');
  const failures = new Failures(options.listedErrors ?? 1_000);
  const checked: CheckedRow[] = [];
  const facts = importFacts(deps, actor.tenantId);
  const tagsInUse = await assetTagsInUse(deps.knex, actor.tenantId);
  const tagRows = new Map<string, number>();
  let columns: AssetSheetColumn[] | null = null;
  let rows = 0;
  for await (const cells of records) {
    if (columns === null) {
      columns = readAssetSheetHeader(cells);
      continue;
    }
    rows += 1;
    const outcome = await checkRow(rows, columns, cells, facts, context);
    if ('errors' in outcome) {
      failures.add(outcome);
      continue;
    }
    const key = outcome.tag.toLowerCase();
    const earlier = tagRows.get(key);
    if (earlier === undefined) tagRows.set(key, rows);
    if (earlier !== undefined) failures.add({ row: rows, tag: outcome.tag, errors: [{ field: 'tag', message: `repeats the tag of row ${earlier}` }] });
    else if (tagsInUse.has(key)) failures.add({ row: rows, tag: outcome.tag, errors: [{ field: 'tag', message: 'an asset with this tag already exists' }] });
    else checked.push(outcome);
  }
  if (columns === null) throw new ValidationError('the CSV is empty', [{ path: '/columns', message: 'a header row naming the columns is required' }]);
  if (options.dryRun || failures.any) return { report: failures.report({ dryRun: options.dryRun, rows, valid: checked.length, imported: 0 }), refused: !options.dryRun, position: null };

  let last: LogPosition | null = null;
  let imported = 0;
  const batches = Array.from({ length: Math.ceil(checked.length / BATCH_ROWS) }, (_, index) => checked.slice(index * BATCH_ROWS, (index + 1) * BATCH_ROWS));
  await inParallel(batches, options.concurrency ?? 2, async (batch) => {
    const written = await registerBatch(deps, actor.tenantId, batch, context);
    for (const entry of written.taken) {
      // Taken since the file was checked, by a single registration or another import.
      failures.add({ row: entry.row, tag: entry.tag, errors: [{ field: 'tag', message: 'an asset with this tag already exists' }] });
    }
    imported += written.registered;
    if (written.position && (last === null || comparePositions(written.position, last) > 0)) last = written.position;
  });
  return { report: failures.report({ dryRun: false, rows, valid: checked.length, imported }), refused: false, position: last };
}

async function checkRow(row: number, columns: readonly AssetSheetColumn[], cells: readonly string[], facts: ImportFacts, context: CommandContext): Promise<CheckedRow | AssetImportRowError> {
  const sheet = readAssetSheetRow(columns, cells);
  if ('message' in sheet) {
    const tagAt = columns.findIndex((column) => column.kind === 'field' && column.field === 'tag');
    return { row, tag: cells[tagAt]?.trim() || null, errors: [sheet] };
  }
  const { fields } = sheet;
  const tag = fields.tag?.trim() ?? '';
  const problems: RowProblem[] = [];
  const category = await facts.category(fields.category);
  const owner = fields.owner === undefined ? null : await facts.owner(fields.owner);
  const status = ASSET_STATUSES.find((candidate) => candidate === fields.status?.trim());
  if (fields.status !== undefined && status === undefined) problems.push({ field: 'status', message: `one of ${ASSET_STATUSES.join(', ')}` });
  const assetId = randomUUID();
  const command: RegisterAsset = {
    type: 'RegisterAsset',
    assetId,
    tenantId: context.tenantId,
    tag,
    name: fields.name ?? '',
    ...(status !== undefined ? { status } : {}),
    category: category.fact,
    owner: owner?.fact ?? null,
    changes: {
      ...(fields.location !== undefined ? { location: fields.location } : {}),
      ...(fields.serial !== undefined ? { serial: fields.serial } : {}),
      ...(fields.vendor !== undefined ? { vendor: fields.vendor } : {}),
      ...(fields.purchaseDate !== undefined ? { purchaseDate: fields.purchaseDate.trim() } : {}),
      ...(fields.purchaseCost !== undefined ? { purchaseCost: fields.purchaseCost } : {}),
      ...(fields.warrantyEnd !== undefined ? { warrantyEnd: fields.warrantyEnd.trim() } : {}),
      attributes: attributesFromCells(category.fact.found ? category.fact.attributesSchema : {}, sheet.attributes),
    },
    now: context.now,
  };
  let events: AssetEvent[] = [];
  try {
    events = assetDecider.decide(command, assetDecider.initialState());
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    // The lookups say why a category or owner was not found better than "no … with this id".
    const explained = (problem: RowProblem): RowProblem => (problem.field === 'category' && category.problem ? { field: 'category', message: category.problem } : problem.field === 'owner' && owner?.problem ? { field: 'owner', message: owner.problem } : problem);
    problems.push(...error.errors.map(rowProblemOf).map(explained));
  }
  if (problems.length > 0) return { row, tag: tag || null, errors: problems };
  return { row, tag, assetId, events };
}

/**
 * Writes a batch of checked rows: first every tag reservation, then the registration of each row
 * whose tag it got. Both streams of a row are new by construction (a fresh asset id, a tag seen
 * free), so `no_stream` is the guard the command handler would append with after reading them
 * empty; skipping that read, and writing a batch per call, is what makes 10,000 rows affordable.
 */
async function registerBatch(deps: CmdbDependencies, tenantId: string, batch: readonly CheckedRow[], context: CommandContext): Promise<{ registered: number; taken: CheckedRow[]; position: LogPosition | null }> {
  const { store, newId } = deps.commands;
  const metadata = metadataFor(context);
  const toNew = (event: DomainEvent) => ({ id: newId(), type: event.type, data: event.data, metadata });
  // Tag streams in one order in every batch: two imports locking them can never wait on each other in a cycle.
  const rows = batch.map((entry) => ({ entry, tagStream: assetTagStream(tenantId, entry.tag) })).sort((a, b) => (a.tagStream < b.tagStream ? -1 : a.tagStream > b.tagStream ? 1 : 0));
  const reservations = await store.appendToStreams(
    rows.map(({ entry, tagStream }) => ({
      streamId: tagStream,
      events: assetTagReservationDecider.decide({ type: 'ReserveAssetTag', tag: entry.tag, assetId: entry.assetId }, assetTagReservationDecider.initialState()).map(toNew),
      expected: 'no_stream' as const,
    })),
  );
  const reserved = rows.filter((_, index) => reservations[index]!.ok).map(({ entry }) => entry);
  const taken = rows.filter((_, index) => !reservations[index]!.ok).map(({ entry }) => entry);
  if (reserved.length === 0) return { registered: 0, taken, position: null };
  const registrations = await store.appendToStreams(reserved.map((entry) => ({ streamId: assetStream(entry.assetId), events: entry.events.map(toNew), expected: 'no_stream' as const })));
  let position: LogPosition | null = null;
  for (const outcome of registrations) {
    // A fresh asset id cannot name an existing stream; if it ever did, that is our bug, not the file's.
    if (!outcome.ok) throw outcome.error;
    if (position === null || comparePositions(outcome.result.position, position) > 0) position = outcome.result.position;
  }
  return { registered: registrations.length, taken, position };
}

interface ImportFacts {
  category(cell: string | undefined): Promise<{ fact: AssetCategoryFact; problem: string | null }>;
  owner(cell: string): Promise<{ fact: OwnerFact; problem: string | null }>;
}

/**
 * The facts a registration is decided on, looked up once per distinct cell. Schemas and whether an
 * owner is active come from the log, as for a single registration; names and emails can only be
 * resolved to ids through the read models.
 */
function importFacts(deps: CmdbDependencies, tenantId: string): ImportFacts {
  const categories = new Map<string, Promise<{ fact: AssetCategoryFact; problem: string | null }>>();
  const owners = new Map<string, Promise<{ fact: OwnerFact; problem: string | null }>>();
  let names: Promise<Array<{ id: string; name: string }>> | null = null;

  async function categoryOf(cell: string): Promise<{ fact: AssetCategoryFact; problem: string | null }> {
    const value = cell.trim();
    const missing = (problem: string) => ({ fact: { id: '', found: false } as const, problem });
    let id: string;
    if (UUID.test(value)) {
      id = value.toLowerCase();
    } else {
      names ??= assetCategoryNames(deps.knex, tenantId);
      const all = await names;
      const exact = all.filter((category) => category.name === value);
      const matches = exact.length > 0 ? exact : all.filter((category) => category.name.toLowerCase() === value.toLowerCase());
      if (matches.length > 1) return missing('several asset categories have this name; give the id of one');
      if (matches.length === 0) return missing('no asset category with this name or id');
      id = matches[0]!.id;
    }
    const category = await loadAssetCategory(deps.commands.store, tenantId, id);
    return category ? { fact: { id, found: true, attributesSchema: category.attributesSchema }, problem: null } : missing('no asset category with this name or id');
  }

  async function ownerOf(cell: string): Promise<{ fact: OwnerFact; problem: string | null }> {
    const value = cell.trim();
    const absent = { fact: { id: value, active: false }, problem: 'no active user with this email or id' };
    let id: string | undefined = UUID.test(value) ? value.toLowerCase() : undefined;
    if (id === undefined) {
      if (!value.includes('@')) return { fact: { id: value, active: false }, problem: "the owner's email or user id" };
      id = (await userIdsByEmail(deps.knex, tenantId, [value])).get(value.toLowerCase());
      if (id === undefined) return absent;
    }
    const { state } = await loadAggregate(deps.commands.store, userDecider, userStream(id));
    const active = state.status === 'active' && state.tenantId === tenantId;
    return active ? { fact: { id, active }, problem: null } : { ...absent, fact: { id, active: false } };
  }

  return {
    category(cell) {
      if (cell === undefined) return Promise.resolve({ fact: { id: '', found: false }, problem: 'required' });
      const key = cell.trim();
      let found = categories.get(key);
      if (!found) categories.set(key, (found = categoryOf(key)));
      return found;
    },
    owner(cell) {
      const key = cell.trim().toLowerCase();
      let found = owners.get(key);
      if (!found) owners.set(key, (found = ownerOf(key)));
      return found;
    },
  };
}

/** Row failures in row order; past the listed number only counted, so a file of garbage makes a small answer. */
class Failures {
  private readonly listed: AssetImportRowError[] = [];
  private count = 0;

  constructor(private readonly limit: number) {}

  get any(): boolean {
    return this.count > 0;
  }

  add(failure: AssetImportRowError): void {
    this.count += 1;
    this.listed.push(failure);
    // Late failures (tags taken while writing) may belong before listed ones: sort, then trim.
    if (this.listed.length > this.limit * 2) this.trim();
  }

  report(counts: { dryRun: boolean; rows: number; valid: number; imported: number }): AssetImportReport {
    this.trim();
    return { ...counts, failed: this.count, errors: [...this.listed], errorsOmitted: this.count - this.listed.length };
  }

  private trim(): void {
    this.listed.sort((a, b) => a.row - b.row);
    this.listed.length = Math.min(this.listed.length, this.limit);
  }
}

/** At most `limit` at a time; after a failure no new item starts, and the first failure is thrown. */
async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const item = items[next]!;
      next += 1;
      try {
        await work(item);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
