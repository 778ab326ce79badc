import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
  readonly startTime: number;
}

/** A span of the monotonic clock in µs: V8's profile timestamps and process.hrtime() read the same clock. */
export interface Window {
  readonly fromUs: number;
  readonly toUs: number;
}

export function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

export interface SelfTime {
  readonly name: string;
  readonly where: string;
  readonly ms: number;
  readonly share: number;
}

/**
 * The functions with the most self time in a V8 .cpuprofile (what `node --cpu-prof` writes): each
 * sample's interval is charged to the function on top of the stack. Functions are keyed by name and
 * place, so the many nodes of one function (one per call path) add up.
 */
export function topSelfTime(profile: CpuProfile, root: string, count: number, window: Window | null = null): SelfTime[] {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, { name: string; where: string; us: number }>();
  let all = 0;
  // Start-up (module loading) and shutdown would otherwise outweigh a few seconds of load.
  const times: number[] = [];
  let clock = profile.startTime;
  for (const delta of profile.timeDeltas) times.push((clock += delta));
  const inWindow = window ? times.filter((time) => time >= window.fromUs && time <= window.toUs).length : 0;
  const keep = (index: number) => !window || inWindow === 0 || (times[index]! >= window.fromUs && times[index]! <= window.toUs);
  profile.samples.forEach((id, index) => {
    const node = byNode.get(id);
    const delta = profile.timeDeltas[index] ?? 0;
    if (!node || delta < 0 || !keep(index)) return;
    all += delta;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${shorten(url, root)}:${lineNumber + 1}` : '(native)';
    const key = `${functionName}@${where}`;
    const entry = totals.get(key) ?? { name: functionName || '(anonymous)', where, us: 0 };
    entry.us += delta;
    totals.set(key, entry);
  });
  return [...totals.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, count)
    .map((entry) => ({ name: entry.name, where: entry.where, ms: entry.us / 1000, share: all > 0 ? entry.us / all : 0 }));
}

function shorten(url: string, root: string): string {
  const path = url.startsWith('file://') ? new URL(url).pathname : url;
  const inside = relative(root, path);
  return inside.startsWith('..') ? path : inside.replace(/^node_modules\//, '');
}

/** The one .cpuprofile a process wrote into `dir`. */
export async function readProfile(dir: string): Promise<CpuProfile> {
  const files = (await readdir(dir)).filter((file) => file.endsWith('.cpuprofile'));
  if (files.length === 0) throw new Error(`no .cpuprofile in ${dir}`);
  return JSON.parse(await readFile(join(dir, files[0]!), 'utf8')) as CpuProfile;
}
