import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { skippedPathHits } from '../../../server/search/skippedPaths';

const skipped = [
  { path: 'assets/logo.png', reason: 'binary' as const },
  { path: 'dist/app.min.js', reason: 'minified' as const },
  { path: 'config/.env', reason: 'secret' as const },
  { path: 'locked/notes.txt', reason: 'unreadable' as const },
];
const all = () => true;

test('a file skipped for its content is found by name, with the reason in place of code', () => {
  const [hit] = skippedPathHits(skipped, 'logo.png', all);
  assert.equal(hit.path, 'assets/logo.png');
  assert.match(hit.snippet, /not indexed: binary/);
  assert.equal(skippedPathHits(skipped, 'app min', all)[0]?.path, 'dist/app.min.js');
});

test('secrets and unreadable files are never offered; filters apply', () => {
  assert.deepEqual(skippedPathHits(skipped, '.env', all), []);
  assert.deepEqual(skippedPathHits(skipped, 'notes', all), []);
  assert.deepEqual(skippedPathHits(skipped, 'logo.png', (p) => !p.startsWith('assets/')), []);
});
