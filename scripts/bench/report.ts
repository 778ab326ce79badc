import type { SelfTime } from './cpu-profile.js';
import type { HttpFigures } from './http-load.js';
import type { BaselineWorkload, OurWorkload } from './http-target.js';
import { BASELINE_WORKLOADS, LABELS, OUR_WORKLOADS } from './http-target.js';
import type { BenchOptions } from './index.js';
import type { Machine } from './machine.js';
import type { RebuildFigures } from './rebuild.js';
import { rebuildLines, rebuildRate } from './rebuild.js';
import type { Seeded } from './seed.js';
import { formatMs, formatNumber, formatRate, formatRatio, markdownTable, perSecond } from './stats.js';

export interface TargetResult {
  readonly label: string;
  readonly tickets: number;
  readonly connections: number;
  readonly seeded: Seeded;
  readonly ours: Readonly<Record<OurWorkload, HttpFigures>>;
  /** Each workload's rate over its baseline's (pg primary key for reads, pg insert for writes). */
  readonly ratios: Readonly<Record<OurWorkload, number>>;
  readonly baselines: Readonly<Record<BaselineWorkload, HttpFigures>> | null;
  readonly rss: { readonly idle: number; readonly byWorkload: Readonly<Record<OurWorkload, number>> };
  readonly lag: { readonly p50: number; readonly p99: number; readonly samples: number } | null;
  readonly profiles: ReadonlyArray<{ readonly workload: OurWorkload; readonly top: readonly SelfTime[] }>;
}

export interface Report {
  readonly options: BenchOptions;
  readonly machineAtStart: Machine;
  readonly machineAtEnd: Machine;
  readonly commit: string;
  readonly targets: readonly TargetResult[];
  /** `itsm rebuild all` over a log of its own on PostgreSQL; null when skipped. */
  readonly rebuild: RebuildFigures | null;
  readonly eventStore: string | null;
  readonly minutes: number;
}

/** Below this line BENCHMARKS.md is written by hand, and a new run keeps it. */
export const NOTES_MARKER = '<!-- Everything below this line is written by hand and kept when `npm run bench` rewrites the file. -->';

const mib = (bytes: number) => formatNumber(bytes / 2 ** 20, 0);
const load = (machine: Machine) => machine.loadAverage.map((value) => value.toFixed(2)).join(' / ');
const verdict = (met: boolean) => (met ? 'met' : '**not met**');

/** `rebuild` is the PostgreSQL target's own rebuild measurement, when there is one. */
function targetRows(result: TargetResult, rebuild: RebuildFigures | null): string[][] {
  const { ours, baselines, lag, seeded } = result;
  const catchUpRate = perSecond(seeded.projection.events, seeded.projection.ms);
  const rows: string[][] = [];
  if (baselines) {
    const byId = ours.ticketById.rate / baselines.primaryKey.rate;
    rows.push([
      'GET ticket by id ≥ 0.6 × bare Koa + pg PK, p99 < 20 ms',
      `${formatRatio(result.ratios.ticketById)} × (${formatRate(ours.ticketById.rate)} vs ${formatRate(baselines.primaryKey.rate)} req/s), p99 ${formatMs(ours.ticketById.p99)} ms`,
      verdict(byId >= 0.6 && ours.ticketById.p99 < 20),
    ]);
    const create = ours.openTicket.rate / baselines.insert.rate;
    rows.push([
      'POST ticket ≥ 0.5 × bare Koa + pg INSERT txn, p99 < 50 ms',
      `${formatRatio(result.ratios.openTicket)} × (${formatRate(ours.openTicket.rate)} vs ${formatRate(baselines.insert.rate)} req/s), p99 ${formatMs(ours.openTicket.p99)} ms`,
      verdict(create >= 0.5 && ours.openTicket.p99 < 50),
    ]);
  }
  if (lag) rows.push(['projection lag p99 < 100 ms under the POST load', `${formatMs(lag.p99)} ms (p50 ${formatMs(lag.p50)} ms)`, verdict(lag.p99 < 100)]);
  if (rebuild) {
    const rate = rebuildRate(rebuild);
    rows.push([
      'full rebuild of the log ≥ 50,000 events/s',
      `${formatRate(rate)} events/s (\`itsm rebuild all\`, ${formatNumber(rebuild.events)} events, median of ${rebuild.rebuilds.length})`,
      verdict(rate >= 50_000),
    ]);
  } else {
    rows.push(['full projection of the log ≥ 50,000 events/s', `${formatRate(catchUpRate)} events/s (${formatNumber(seeded.projection.events)} events, from empty)`, verdict(catchUpRate >= 50_000)]);
  }
  rows.push([
    `search p99 < 30 ms at ${formatNumber(result.tickets)} tickets`,
    `${formatMs(ours.search.p99)} ms at ${result.connections} connections; ${formatMs(ours.searchAlone.p99)} ms one caller at a time`,
    verdict(ours.search.p99 < 30),
  ]);
  return rows.map((row) => [result.label, ...row]);
}

function httpTable(result: TargetResult): string {
  const rows = OUR_WORKLOADS.map((name) => {
    const figures = result.ours[name];
    const against = name === 'openTicket' || name === 'comment' ? 'pg INSERT txn' : 'pg PK SELECT';
    return [
      LABELS[name],
      formatRate(figures.rate),
      formatMs(figures.p50),
      formatMs(figures.p99),
      `${formatNumber(figures.errors)}${figures.accepted > 0 ? ` (+${formatNumber(figures.accepted)} × 202)` : ''}`,
      Number.isFinite(result.ratios[name]) ? `${formatRatio(result.ratios[name])} × ${against}` : '—',
      result.baselines && name !== 'searchAlone' ? formatRatio(figures.rate / result.baselines.hello.rate) : '—',
    ];
  });
  const baselineRows = result.baselines
    ? BASELINE_WORKLOADS.map((name) => {
        const figures = result.baselines![name];
        return [LABELS[name], formatRate(figures.rate), formatMs(figures.p50), formatMs(figures.p99), formatNumber(figures.errors), 'baseline', '—'];
      })
    : [];
  return markdownTable(['endpoint', 'req/s', 'p50 (ms)', 'p99 (ms)', 'errors', 'ratio to baseline', 'ratio to bare Koa'], ['l', 'r', 'r', 'r', 'r', 'l', 'r'], [...rows, ...baselineRows]);
}

/** `rebuilt`: this target's rebuild of record follows in a section of its own. */
function projectionSection(result: TargetResult, rebuilt: boolean): string[] {
  const { seeded, lag } = result;
  const lines = [
    `- seeded ${formatNumber(result.tickets)} tickets × ${formatNumber(seeded.events / Math.max(1, result.tickets))} events = ${formatNumber(seeded.events)} events, appended through the EventStore port at ${formatRate(seeded.appendRate)} events/s (one append per ticket stream)`,
    `- every read model (${seeded.projection.byName.length} projections, run concurrently as the projector process runs them) built from empty over that log: ${formatNumber(seeded.projection.ms / 1000, 1)} s, **${formatRate(perSecond(seeded.projection.events, seeded.projection.ms))} events/s** of log (one run, from empty straight after seeding${rebuilt ? '; the rebuild figure of record is the median below' : ''})`,
  ];
  if (lag) lines.push(`- projection lag under the two POST workloads (every projection applied, from the append's start): p50 ${formatMs(lag.p50)} ms, p99 ${formatMs(lag.p99)} ms over ${formatNumber(lag.samples)} events (polled every 10 ms)`);
  const slowest = [...seeded.projection.byName].sort((a, b) => b.ms - a.ms).slice(0, 6);
  lines.push('', 'The slowest projections (when each finished; all started together):', '', markdownTable(['projection', 'finished after (s)', 'log events/s'], ['l', 'r', 'r'], slowest.map((entry) => [entry.name, formatNumber(entry.ms / 1000, 1), formatRate(perSecond(seeded.projection.events, entry.ms))])));
  return lines;
}

function memoryLine(result: TargetResult): string {
  const parts = OUR_WORKLOADS.map((name) => `${name} ${mib(result.rss.byWorkload[name])}`);
  return `- ${result.label}: idle after start ${mib(result.rss.idle)} MiB; largest under load (MiB): ${parts.join(', ')}`;
}

function profileSection(result: TargetResult): string[] {
  return result.profiles.flatMap((profile) => [
    `### ${result.label}: ${LABELS[profile.workload]}`,
    '',
    markdownTable(
      ['function', 'where', 'self ms', 'share'],
      ['l', 'l', 'r', 'r'],
      profile.top.map((entry) => [entry.name, entry.where, formatNumber(entry.ms, 0), `${(entry.share * 100).toFixed(1)} %`]),
    ),
    '',
  ]);
}

export function renderReport(report: Report): string {
  const { options, machineAtStart: start, machineAtEnd: end, targets } = report;
  const mode = options.quick ? 'QUICK smoke run (not the figures of record)' : 'full run';
  const lines = [
    '# Benchmarks',
    '',
    `Written by \`npm run bench${options.quick ? ' -- --quick' : ''}\` (${mode}) on ${start.at.slice(0, 16).replace('T', ' ')} UTC in ${formatNumber(report.minutes, 1)} minutes.`,
    `Every HTTP figure is the median of ${options.runs} run${options.runs === 1 ? '' : 's'} of ${options.seconds} s with autocannon, ${options.connections} connections, from this`,
    'process; the API (`itsm all`: HTTP, projections, scheduler) and the bare-Koa baselines each run in a process of their own, on',
    'the same machine, so the load generator takes its share of the two cores. Ratios are the median of each run\'s own ratio.',
    '',
    '## Machine',
    '',
    markdownTable(
      ['', ''],
      ['l', 'l'],
      [
        ['CPU', `${start.cores} × ${start.cpu}`],
        ['memory', `${formatNumber(start.memoryGiB, 1)} GiB`],
        ['OS', start.os],
        ['load average (1/5/15 min) at start', load(start)],
        ['load average at end', load(end)],
        ['node', start.node],
        ['PostgreSQL', start.postgres],
        ['Redis', start.redis],
        ['itsm commit', report.commit],
      ],
    ),
    '',
    'The machine is shared: other work ran during this benchmark (see the load averages), so absolute figures are low and',
    'noisy; the ratios to baselines measured in the same run are the figures to compare.',
    '',
    '## Targets',
    '',
    markdownTable(['target', 'goal', 'measured', 'verdict'], ['l', 'l', 'l', 'l'], targets.flatMap((result) => targetRows(result, result.baselines ? report.rebuild : null))),
    '',
  ];
  for (const result of targets) {
    lines.push(`## HTTP: ${result.label}, ${formatNumber(result.tickets)} tickets`, '', httpTable(result), '');
    if (!result.baselines) lines.push('No baselines on PGlite: only the API process can open its data directory.', '');
  }
  lines.push('## Projections', '');
  for (const result of targets) lines.push(`### ${result.label}`, '', ...projectionSection(result, report.rebuild !== null && result.baselines !== null), '');
  if (report.rebuild) lines.push(`### Rebuild of ${formatNumber(report.rebuild.events)} events (PostgreSQL)`, '', ...rebuildLines(report.rebuild), '');
  lines.push('## Memory (RSS of the API process)', '', ...targets.map(memoryLine), '');
  if (report.eventStore) lines.push(report.eventStore.replace(/^## /m, '## '), '');
  const profiled = targets.filter((result) => result.profiles.length > 0);
  if (profiled.length > 0) {
    lines.push(
      '## Where the time goes (targets not met)',
      '',
      `Top self-time functions of the API process (\`node --cpu-prof\`), one run of ${options.seconds} s of the workload on a fresh process.`,
      '',
      ...profiled.flatMap(profileSection),
    );
  }
  lines.push(NOTES_MARKER, '');
  return lines.join('\n');
}
