import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { RunningApi } from '../support/api.js';
import { startApi } from '../support/api.js';
import { demoBanner, seedDemoData } from '../../src/seed/demo.js';
import { DEMO_LOGINS } from '../../src/seed/demo-people.js';

const test = suite<{ api?: RunningApi }>('seed: the start banner about the demo tenant', {});

test.before(async (context) => {
  context.api = await startApi();
});
test.after(async (context) => {
  await context.api?.close();
});

test('the first start prints the demo passwords; later starts say the tenant exists and print none', async ({ api }) => {
  const first = demoBanner(await seedDemoData(api!.system)).join('\n');
  assert.match(first, /demo tenant: "Demo Service Desk" \(slug: demo\) created/);
  assert.is(DEMO_LOGINS.length, 5, 'five demo users, as the README says');
  for (const login of DEMO_LOGINS) assert.ok(first.includes(`${login.email}  password: ${login.password}`), `${login.role} is printed`);

  const later = demoBanner(await seedDemoData(api!.system)).join('\n');
  assert.match(later, /demo tenant: "Demo Service Desk" \(slug: demo\) exists/);
  for (const login of DEMO_LOGINS) assert.not.ok(later.includes(login.password), `${login.role}'s password is not printed again`);
});

test.run();
