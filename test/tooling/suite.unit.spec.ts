import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import * as assert from 'uvu/assert';
import { suite } from '../support/suite.js';

const test = suite('test suites: a failing before hook');

const ROOT = resolve(import.meta.dirname, '../..');

const ESCAPE = String.fromCharCode(27);

/** uvu colours its output whatever NO_COLOR says. */
function stripColours(text: string): string {
  return text.split(ESCAPE).map((part, index) => (index === 0 ? part : part.replace(/^\[[0-9;]*m/, ''))).join('');
}

/** Runs one fixture suite through uvu's command line, as `npm test` runs the real ones. */
function runFixture(name: string): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'node_modules/uvu/bin.js', 'test/tooling/fixtures', `^${name}\\.fixture\\.ts$`], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    timeout: 60_000,
  });
  return { status: run.status, output: stripColours(`${run.stdout}${run.stderr}`) };
}

test('fails every test of the suite, shows the hook error, and exits non-zero', () => {
  const { status, output } = runFixture('failing-setup');
  assert.is(status, 1, output);
  assert.match(output, 'the database would not open');
  assert.match(output, 'not run: a before hook of "a suite whose setup fails" failed');
  assert.match(output, /Total:\s+2/);
  assert.match(output, /Passed:\s+0/);
});

test('a setup that works runs its tests as before', () => {
  const { status, output } = runFixture('working-setup');
  assert.is(status, 0, output);
  assert.match(output, /Total:\s+2/);
  assert.match(output, /Passed:\s+2/);
});

test.run();
