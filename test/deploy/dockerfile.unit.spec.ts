import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { z } from 'zod';
import { readDockerfile, wordsOf } from './dockerfile.js';
import { exists, filesUnder, readText } from './repository.js';

const { preamble, stages } = readDockerfile();
const final = stages.at(-1);
const finalOf = (keyword: string) => final?.instructions.filter((instruction) => instruction.keyword === keyword) ?? [];

const image = suite('Dockerfile');

image('is multi-stage: the final stage copies the built JS and the production dependencies from earlier stages', () => {
  assert.ok(stages.length >= 2, 'one stage only');
  const copiesFrom = finalOf('COPY').map(({ argument }) => /--from=(\S+)/.exec(argument)?.[1]).filter((from) => from !== undefined);
  const stageRunning = (command: RegExp) => stages.find((stage) => stage.instructions.some(({ keyword, argument }) => keyword === 'RUN' && command.test(argument)));
  const build = stageRunning(/npm run build/);
  const production = stageRunning(/npm ci\b[^&]*--omit=dev/);
  assert.ok(build?.name && copiesFrom.includes(build.name), 'the final stage does not copy from the stage that runs npm run build');
  assert.ok(production?.name && copiesFrom.includes(production.name), 'the final stage does not copy from the stage that runs npm ci --omit=dev');
  assert.ok(finalOf('COPY').some(({ argument }) => argument.includes('node_modules')), 'the production node_modules (swagger-ui-dist is served from it) are not copied');
  assert.ok(finalOf('COPY').some(({ argument }) => /\bdist\b/.test(argument)), 'dist/ is not copied');
  assert.not.ok(finalOf('RUN').some(({ argument }) => /npm (ci|install)\b(?![^&]*--omit=dev)/.test(argument)), 'the final stage installs dev dependencies');
});

image('the base images are pinned to a Node 20 version', () => {
  const argument = (name: string) => preamble.find(({ keyword, argument: text }) => keyword === 'ARG' && text.startsWith(`${name}=`))?.argument.slice(name.length + 1);
  for (const { base } of stages) {
    const resolved = base.replace(/^\$\{?(\w+)\}?$/, (_whole, name: string) => argument(name) ?? base);
    if (stages.some((stage) => stage.name === resolved)) continue;
    assert.match(resolved, /^node:20\.\d+\.\d+-/, `${base} is not a pinned Node 20 image`);
  }
});

image('the final stage runs as a non-root user, numerically so Kubernetes can check it', () => {
  const user = finalOf('USER').at(-1)?.argument;
  assert.ok(user, 'no USER in the final stage');
  const id = user.split(':')[0] ?? '';
  assert.match(id, /^\d+$/);
  assert.is.not(id, '0');
});

image('has a HEALTHCHECK on /healthz and starts dist/main.js', () => {
  const healthcheck = finalOf('HEALTHCHECK').at(-1)?.argument ?? '';
  assert.match(healthcheck, /CMD/);
  assert.match(healthcheck, /\/healthz/);
  const entrypoint = wordsOf(finalOf('ENTRYPOINT').at(-1)?.argument ?? '[]');
  const command = wordsOf(finalOf('CMD').at(-1)?.argument ?? '[]');
  const started = [...entrypoint, ...command];
  assert.is(started[0], 'node');
  assert.ok(started.includes('dist/main.js'), `starts ${started.join(' ')}`);
  assert.ok(['all', 'serve'].includes(started.at(-1) ?? ''), 'the default command should serve HTTP, which the HEALTHCHECK expects');
});

image('every file it copies from the build context exists and is not excluded by .dockerignore', () => {
  assert.ok(exists('.dockerignore'));
  const ignored = readText('.dockerignore')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#') && !line.startsWith('!'));
  for (const needed of ['node_modules', '.git', 'dist', 'data', '.env']) assert.ok(ignored.includes(needed), `.dockerignore does not exclude ${needed}`);
  const sources = stages.flatMap(({ instructions }) => instructions.filter(({ keyword, argument }) => keyword === 'COPY' && !argument.includes('--from=')).flatMap(({ argument }) => wordsOf(argument).filter((word) => !word.startsWith('--')).slice(0, -1)));
  assert.ok(sources.length > 0);
  for (const source of sources) {
    assert.ok(exists(source), `COPY ${source}: not in the repository`);
    assert.not.ok(ignored.includes(source.replace(/^\.\//, '')), `COPY ${source}: excluded by .dockerignore`);
  }
});

image('tsconfig.build.json compiles src/ to dist/, where package.json says the binary is', () => {
  const build = z.looseObject({ compilerOptions: z.looseObject({ rootDir: z.string(), outDir: z.string(), noEmit: z.boolean().optional() }), include: z.array(z.string()) }).parse(JSON.parse(readText('tsconfig.build.json')));
  const pkg = z.looseObject({ bin: z.record(z.string(), z.string()), scripts: z.record(z.string(), z.string()) }).parse(JSON.parse(readText('package.json')));
  assert.is(build.compilerOptions.rootDir, 'src');
  assert.is(build.compilerOptions.outDir, 'dist');
  assert.is.not(build.compilerOptions.noEmit, true);
  assert.equal(build.include, ['src']);
  assert.is(pkg.bin.itsm, 'dist/main.js');
  assert.ok(exists('src/main.ts'));
  assert.match(pkg.scripts.build ?? '', /tsconfig\.build\.json/);
});

image('src/ holds only TypeScript: tsc copies nothing else into dist/, so any other file would be missing from the image', () => {
  const others = filesUnder('src', ['']).filter((file) => !file.endsWith('.ts'));
  assert.equal(others, []);
});

image.run();
