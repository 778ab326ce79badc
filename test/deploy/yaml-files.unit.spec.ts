import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { filesUnder, readText, readYamlDocuments } from './repository.js';

const files = suite('YAML and JSON files');

files('every YAML file in the repository parses, without duplicate keys or warnings', () => {
  const yamlFiles = filesUnder('.', ['.yml', '.yaml']);
  for (const expected of ['docker-compose.yml', '.github/workflows/ci.yml', 'deploy/prometheus/prometheus.yml', 'k8s/30-api.yaml']) assert.ok(yamlFiles.includes(expected), `${expected} was not found`);
  for (const file of yamlFiles) assert.ok(readYamlDocuments(file).length > 0, `${file} is empty`);
});

files('the parser refuses a duplicate key', () => {
  // A duplicated key is the classic silent YAML mistake: the second value wins. The fixture's name keeps it out of the scan above.
  assert.throws(() => readYamlDocuments('test/deploy/fixtures/duplicate-key.yaml-fixture'), /duplicate|unique/i);
});

files('every JSON file under deploy/ parses', () => {
  const jsonFiles = filesUnder('deploy', ['.json']);
  assert.ok(jsonFiles.length > 0);
  for (const file of jsonFiles) assert.type(JSON.parse(readText(file)), 'object', file);
});

files.run();
