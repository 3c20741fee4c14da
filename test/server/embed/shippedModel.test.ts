/**
 * The shipped model (models/conexus-code-v1) loads by default and ranks code by meaning:
 * short web-style queries land closer to the function that answers them than to
 * unrelated functions, including when query and code share no literal word.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '../../../server/engine/logger';
import { loadEmbedder, type Embedder } from '../../../server/embed/embedder';

const FUNCTIONS = {
  exists: 'def path_exists(p):\n    """Test whether a path exists."""\n    try:\n        os.stat(p)\n    except OSError:\n        return False\n    return True',
  sortByValue: 'def sort_by_value(d):\n    return sorted(d.items(), key=lambda kv: kv[1])',
  download: 'def fetch(url, dest):\n    with urllib.request.urlopen(url) as resp, open(dest, "wb") as out:\n        shutil.copyfileobj(resp, out)',
  lowercase: 'function toLower(s) {\n  return s.toLowerCase();\n}',
};

describe('shipped model conexus-code-v1', () => {
  let embedder: Embedder;
  before(async () => {
    embedder = await loadEmbedder({ model: '', allowDownload: false }, silentLogger);
  });
  after(async () => embedder?.dispose());

  it('loads as the default with a model-keyed id', () => {
    assert.match(embedder.id, /^conexus-code-v1@[0-9a-f]{12}$/);
    assert.ok(embedder.dimension >= 64);
  });

  it('ranks the answering function first for web-style queries', async () => {
    const names = Object.keys(FUNCTIONS) as Array<keyof typeof FUNCTIONS>;
    const docs = await embedder.embed(names.map((n) => FUNCTIONS[n]));
    const cases: Array<[string, keyof typeof FUNCTIONS]> = [
      ['python check if file exists', 'exists'],
      ['how to sort dict by value', 'sortByValue'],
      ['download a file from a url', 'download'],
      ['convert string to lowercase', 'lowercase'],
    ];
    const queries = await embedder.embed(cases.map(([q]) => q));
    cases.forEach(([q, want], i) => {
      const scores = docs.map((d) => d.reduce((s, x, k) => s + x * queries[i][k], 0));
      const best = names[scores.indexOf(Math.max(...scores))];
      assert.equal(best, want, `query "${q}" ranked ${best} first`);
    });
  });
});
