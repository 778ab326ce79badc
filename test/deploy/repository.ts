import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

/** The repository root: deployment files are read where a user would find them. */
export const root = fileURLToPath(new URL('../../', import.meta.url));

/** Directories that hold no deployment file of ours (installed, built or generated content). */
const SKIPPED = new Set(['node_modules', '.git', 'dist', 'data', 'coverage', 'tmp']);

export function readText(path: string): string {
  return readFileSync(join(root, path), 'utf8');
}

export function exists(path: string): boolean {
  return existsSync(join(root, path));
}

/** Repository-relative paths of the files under `directory` whose names end in one of `suffixes`. */
export function filesUnder(directory: string, suffixes: readonly string[]): string[] {
  const found: string[] = [];
  const walk = (absolute: string) => {
    for (const entry of readdirSync(absolute, { withFileTypes: true })) {
      if (SKIPPED.has(entry.name)) continue;
      const path = join(absolute, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (suffixes.some((suffix) => entry.name.endsWith(suffix))) found.push(relative(root, path));
    }
  };
  if (exists(directory)) walk(join(root, directory));
  return found.sort();
}

export class YamlProblem extends Error {
  override readonly name = 'YamlProblem';
}

/**
 * Every document of a YAML file as plain data, with `<<` merge keys applied (compose uses them).
 * Errors and warnings (duplicate keys, bad indentation, unknown tags) fail the read.
 */
export function readYamlDocuments(path: string): unknown[] {
  const documents = parseAllDocuments(readText(path), { merge: true, prettyErrors: true });
  const list = Array.isArray(documents) ? documents : [documents];
  const problems = list.flatMap((document) => [...document.errors, ...document.warnings]).map((problem) => problem.message);
  if (problems.length > 0) throw new YamlProblem(`${path}:\n${problems.join('\n')}`);
  return list.map((document) => document.toJS({ maxAliasCount: 100 }) as unknown).filter((document) => document !== null);
}

export function readYaml(path: string): unknown {
  const documents = readYamlDocuments(path);
  if (documents.length !== 1) throw new YamlProblem(`${path}: expected one YAML document, found ${documents.length}`);
  return documents[0];
}
