import { readText } from './repository.js';

export interface Instruction {
  readonly keyword: string;
  readonly argument: string;
}

export interface Stage {
  readonly base: string;
  readonly name: string | undefined;
  readonly instructions: readonly Instruction[];
}

/** Instructions grouped by stage: continuation lines joined, comments and parser directives dropped. */
export function readDockerfile(path = 'Dockerfile'): { readonly preamble: readonly Instruction[]; readonly stages: readonly Stage[] } {
  const logicalLines = readText(path)
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const preamble: Instruction[] = [];
  const stages: Array<{ base: string; name: string | undefined; instructions: Instruction[] }> = [];
  for (const line of logicalLines) {
    const space = line.search(/\s/);
    const keyword = (space === -1 ? line : line.slice(0, space)).toUpperCase();
    const argument = space === -1 ? '' : line.slice(space).trim();
    if (keyword === 'FROM') {
      const [base = '', as, name] = argument.split(/\s+/);
      stages.push({ base, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else {
      (stages.at(-1)?.instructions ?? preamble).push({ keyword, argument });
    }
  }
  return { preamble, stages };
}

/** The words of an exec-form (JSON array) argument, or of a shell-form one split on spaces. */
export function wordsOf(argument: string): string[] {
  if (argument.startsWith('[')) {
    const parsed: unknown = JSON.parse(argument);
    if (Array.isArray(parsed) && parsed.every((word) => typeof word === 'string')) return parsed;
    throw new Error(`not an array of strings: ${argument}`);
  }
  return argument.split(/\s+/);
}
