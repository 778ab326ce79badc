import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { z } from 'zod';
import { readText, readYaml } from './repository.js';

const step = z.looseObject({ name: z.string().optional(), run: z.string().optional(), uses: z.string().optional(), env: z.record(z.string(), z.string()).optional() });
const job = z.looseObject({
  'runs-on': z.string(),
  services: z.record(z.string(), z.looseObject({ image: z.string() })).optional(),
  env: z.record(z.string(), z.string()).optional(),
  steps: z.array(step),
});
const workflow = z.looseObject({ on: z.unknown(), jobs: z.record(z.string(), job) });

const { jobs } = workflow.parse(readYaml('.github/workflows/ci.yml'));
const testJob = Object.values(jobs).find((candidate) => candidate.services !== undefined);

/** `npm test` and `npm run [--silent] <script>` as .ci/run calls them, by script name. */
function npmScriptsIn(text: string): string[] {
  return [...text.matchAll(/\bnpm (?:run (?:--silent )?([\w-]+(?::[\w-]+)*)|(test)\b)/g)].map((match) => match[1] ?? match[2] ?? '');
}

const ci = suite('GitHub workflow');

ci('the test job has PostgreSQL and Redis as service containers', () => {
  assert.ok(testJob, 'no job with service containers');
  const images = Object.values(testJob.services ?? {}).map(({ image }) => image);
  assert.ok(images.some((image) => image.startsWith('postgres:')), 'no PostgreSQL service');
  assert.ok(images.some((image) => image.startsWith('redis:')), 'no Redis service');
});

ci('it runs every npm script .ci/run runs, and the tests twice: embedded, then on PostgreSQL and Redis', () => {
  assert.ok(testJob);
  const wanted = [...new Set(npmScriptsIn(readText('.ci/run')))];
  for (const script of ['typecheck', 'lint', 'test']) assert.ok(wanted.includes(script), `.ci/run no longer runs ${script}?`);
  const runs = testJob.steps.flatMap(({ run }) => (run === undefined ? [] : npmScriptsIn(run)));
  for (const script of wanted) assert.ok(runs.includes(script), `the workflow does not run npm ${script === 'test' ? 'test' : `run ${script}`}`);

  const testSteps = testJob.steps.filter(({ run }) => run !== undefined && npmScriptsIn(run).includes('test'));
  assert.is(testSteps.length, 2, 'npm test should run twice');
  const urls = (env: Record<string, string> | undefined) => [env?.DATABASE_URL, env?.REDIS_URL];
  assert.equal(urls({ ...testJob.env, ...testSteps[0]?.env }), [undefined, undefined], 'pass 1 must run on the embedded default');
  const [database, redis] = urls({ ...testJob.env, ...testSteps[1]?.env });
  assert.ok(database && redis, 'pass 2 must set DATABASE_URL and REDIS_URL');
});

ci('a job builds the image and runs it', () => {
  const imageJob = Object.values(jobs).find((candidate) => candidate.steps.some(({ run }) => run?.includes('docker build')));
  assert.ok(imageJob, 'no job runs docker build');
  assert.ok(imageJob.steps.some(({ run }) => /docker run[^\n]*\bmigrate\b/.test(run ?? '')), 'the image is never run');
  assert.ok(imageJob.steps.some(({ run }) => run?.includes('/readyz')), 'the started image is never checked for readiness');
});

ci('third-party actions are pinned to a version', () => {
  for (const { steps } of Object.values(jobs)) {
    for (const { uses } of steps) if (uses !== undefined) assert.match(uses, /@v?\d/, uses);
  }
});

ci.run();
