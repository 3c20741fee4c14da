/**
 * Property tests over the engine's input boundaries, where untrusted data enters: the
 * search parameters (from the webview, the MCP tools and `serve`'s stdin) and the
 * settings (from VS Code's configuration). Whatever arrives, `engine.search` either
 * answers with a well-formed result that honours k and the filters, or refuses with
 * `ConexusError` code `invalid-params`; it never throws anything else and never leaves
 * the engine broken. `parseSettings` never throws, always returns valid settings, keeps
 * every valid field and names every invalid one.
 */
import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { ConexusError, ErrorCode } from '../../protocol/errors';
import { SearchResultSchema, SymbolKindSchema } from '../../protocol/search';
import { SettingsSchema, parseSettings } from '../../protocol/settings';
import type { Engine } from '../../server/engine/engine';
import { TempDirs, fixtureModelDir, open, pySource } from './helpers';

const temp = new TempDirs();
let engine: Engine;

before(async () => {
  const files: Record<string, string> = {
    'src/auth.ts': 'export function verifyPassword(user: string, password: string): boolean {\n  return hash(password) === lookup(user);\n}\n',
    'docs/guide.md': '# Guide\n\n## Sessions\nHow sessions expire.\n',
  };
  for (let n = 0; n < 6; n++) files[`src/m${n}.py`] = pySource(n);
  engine = await open([temp.workspace(files)], temp.make(), { settings: { model: await fixtureModelDir() } });
  await engine.index();
});

after(async () => {
  await engine?.close();
  temp.cleanup();
});

/** Runs a search and classifies the outcome; anything but a result or invalid-params fails the property. */
async function searchOutcome(params: unknown): Promise<{ ok: true; result: unknown } | { ok: false }> {
  try {
    return { ok: true, result: await engine.search(params as Parameters<Engine['search']>[0]) };
  } catch (err) {
    assert.ok(err instanceof ConexusError, `search threw a non-ConexusError: ${(err as Error)?.stack ?? String(err)}`);
    assert.equal(err.code, ErrorCode.InvalidParams, `search threw ${err.code}: ${err.message}`);
    assert.match(err.message, /invalid search/, 'the message says what was wrong');
    return { ok: false };
  }
}

/** Text that stresses tokenizers and glob compilers: brackets, braces, escapes, unicode. */
const nasty = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom('', ' ', '*', '**', '[', ']', '{', '}', '{a,', '!(x', '\\', '\u0000', '\uD800', 'src/**', '**/*.ts', '../..', '/', 'a'.repeat(1024),
    'AND OR NOT', '"unterminated', 'verifyPassword', 'handler_3_v0', 'sessions', '.*+?^$|()'),
);

const paramsArb = fc.record({
  query: fc.oneof(nasty, fc.string({ minLength: 19_990, maxLength: 20_010 })),
  // Mostly valid values, so that most runs reach the search itself rather than validation.
  k: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max: 200 }) }, fc.integer({ min: -5, max: 250 }), fc.double(),
    fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY)),
  mode: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('hybrid', 'keyword', 'semantic') }, fc.string({ maxLength: 8 })),
  filters: fc.record({
    languages: fc.array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom('python', 'typescript', 'markdown') }, nasty), { maxLength: 3 }),
    include: fc.array(nasty.filter((g) => g.length > 0), { maxLength: 3 }),
    exclude: fc.array(nasty.filter((g) => g.length > 0), { maxLength: 3 }),
    kinds: fc.array(fc.oneof(fc.constantFrom(...SymbolKindSchema.options), fc.string({ maxLength: 6 })), { maxLength: 4 }),
  }, { requiredKeys: [] }),
}, { requiredKeys: [] });

test('engine.search on arbitrary values: a result or invalid-params, nothing else', async () => {
  await fc.assert(
    fc.asyncProperty(fc.anything({ withBigInt: true, withDate: true, withMap: true, withTypedArray: true, withNullPrototype: true }), async (params) => {
      const outcome = await searchOutcome(params);
      if (outcome.ok) SearchResultSchema.parse(outcome.result);
    }),
    { numRuns: 300 },
  );
});

test('engine.search on near-valid parameters: well-formed results that honour k and the filters', async () => {
  let answered = 0;
  await fc.assert(
    fc.asyncProperty(paramsArb, async (params) => {
      const outcome = await searchOutcome(params);
      if (!outcome.ok) return;
      answered++;
      const result = SearchResultSchema.parse(outcome.result);
      const k = typeof params.k === 'number' ? params.k : 10;
      assert.ok(result.hits.length <= k, `at most k=${k} hits, got ${result.hits.length}`);
      const f = params.filters;
      if (f?.languages?.length) assert.ok(result.hits.every((h) => f.languages!.includes(h.language)), 'language filter honoured');
      if (f?.kinds?.length) assert.ok(result.hits.every((h) => h.kind !== null && (f.kinds as string[]).includes(h.kind)), 'kind filter honoured');
      if (params.mode === 'keyword') assert.equal(result.mode, 'keyword');
    }),
    // About a fifth of these are valid; 500 runs keep the floor below far out of reach
    // of chance (300 runs once gave 54, a flake).
    { numRuns: 500 },
  );
  assert.ok(answered >= 60, `enough generated parameters were valid to exercise search (${answered} of 500)`);
  // The engine still answers normally after the barrage.
  assert.equal((await engine.search({ query: 'verifyPassword', mode: 'keyword' })).hits[0]?.path, 'src/auth.ts');
});

const SETTING_VALUES: { [K in keyof typeof SettingsSchema.shape]: fc.Arbitrary<unknown> } = {
  include: fc.array(fc.string({ minLength: 1, maxLength: 10 }), { maxLength: 3 }),
  exclude: fc.array(fc.string({ minLength: 1, maxLength: 10 }), { maxLength: 3 }),
  maxFileBytes: fc.integer({ min: 1024, max: 64 * 1024 * 1024 }),
  model: fc.string({ maxLength: 20 }),
  allowModelDownload: fc.boolean(),
  defaultMode: fc.constantFrom('hybrid', 'keyword', 'semantic'),
  defaultK: fc.integer({ min: 1, max: 200 }),
  indexOnStartup: fc.boolean(),
  watch: fc.boolean(),
};
const KEYS = Object.keys(SETTING_VALUES) as Array<keyof typeof SETTING_VALUES>;

/** A value no field of the schema accepts. */
const INVALID = fc.constantFrom<unknown>(null, Number.NaN, -1, 1.5, [''], [3], { x: 1 }, 10 ** 12, Symbol('s'));

test('parseSettings on arbitrary values never throws and always returns valid settings', () => {
  fc.assert(
    fc.property(fc.oneof(fc.anything({ withNullPrototype: true, withBigInt: true }), fc.dictionary(fc.constantFrom(...KEYS, '__proto__', 'constructor', 'extra'), fc.anything())), (raw) => {
      const { settings, invalid } = parseSettings(raw);
      SettingsSchema.parse(settings);
      assert.ok(invalid.every((k) => (KEYS as string[]).includes(k)), `only real fields are named: ${invalid}`);
      assert.equal(new Set(invalid).size, invalid.length);
    }),
    { numRuns: 1000 },
  );
});

test('parseSettings keeps every valid field, names and defaults every invalid one, and is idempotent', () => {
  const defaults = SettingsSchema.parse({});
  fc.assert(
    fc.property(
      fc.record(SETTING_VALUES, { requiredKeys: [] }),
      fc.subarray(KEYS),
      INVALID,
      (valid, broken, bad) => {
        const raw: Record<string, unknown> = { ...valid };
        for (const k of broken) raw[k] = bad;
        const { settings, invalid } = parseSettings(raw);
        assert.deepEqual([...invalid].sort(), [...broken].sort(), 'exactly the broken fields are named');
        for (const k of KEYS) {
          const expected = broken.includes(k) ? defaults[k] : k in valid ? (valid as Record<string, unknown>)[k] : defaults[k];
          assert.deepEqual(settings[k], expected, `field ${k}`);
        }
        assert.deepEqual(parseSettings(settings), { settings, invalid: [] }, 'parsing valid settings again changes nothing');
      },
    ),
    { numRuns: 500 },
  );
});
