import { test } from 'node:test';
import assert from 'node:assert/strict';
import { invalidSettingsMessage, needsRestart, readSettings, RESTRICTED_FIELDS, SETTING_KEYS } from '../../extension/settings';
import { SettingsSchema } from '../../protocol/settings';
import pkg from '../../package.json';

const config = (values: Record<string, unknown>) => ({ get: (key: string) => values[key] });

test('valid settings are read from their conexus.* keys', () => {
  const { settings, invalid } = readSettings(config({
    'index.include': ['src/**'], 'index.maxFileBytes': 2048, 'embedding.model': 'none',
    'search.defaultMode': 'keyword', 'search.defaultK': 5, 'index.watch': false,
  }), true);
  assert.deepEqual(invalid, []);
  assert.deepEqual(settings.include, ['src/**']);
  assert.equal(settings.maxFileBytes, 2048);
  assert.equal(settings.model, 'none');
  assert.equal(settings.defaultMode, 'keyword');
  assert.equal(settings.defaultK, 5);
  assert.equal(settings.watch, false);
});

test('bad fields fall back to defaults and are named by their full setting name', () => {
  const { settings, invalid, raw } = readSettings(config({
    'index.maxFileBytes': -5, 'search.defaultMode': 'fuzzy', 'search.defaultK': 7, 'index.exclude': 'not-an-array',
  }), true);
  const defaults = SettingsSchema.parse({});
  assert.equal(settings.maxFileBytes, defaults.maxFileBytes);
  assert.equal(settings.defaultMode, defaults.defaultMode);
  assert.deepEqual(settings.exclude, defaults.exclude);
  assert.equal(settings.defaultK, 7);
  assert.deepEqual(invalid.sort(), ['conexus.index.exclude', 'conexus.index.maxFileBytes', 'conexus.search.defaultMode']);
  assert.equal('maxFileBytes' in raw, false, 'invalid raw values are not passed on to the worker');
  assert.match(invalidSettingsMessage(invalid), /conexus\.index\.exclude, conexus\.index\.maxFileBytes, conexus\.search\.defaultMode are invalid/);
  assert.match(invalidSettingsMessage(['conexus.search.defaultK']), /the setting conexus\.search\.defaultK is invalid, so its default is used/);
});

test('an untrusted workspace never reads the restricted settings', () => {
  const asked: string[] = [];
  const { settings } = readSettings({ get: (k) => { asked.push(k); return k === 'embedding.model' ? '/some/model' : k === 'search.defaultK' ? 3 : undefined; } }, false);
  assert.equal(settings.model, '');
  assert.equal(settings.defaultK, 3);
  for (const f of RESTRICTED_FIELDS) assert.equal(asked.includes(SETTING_KEYS[f]), false, `${f} was read`);
});

test('only settings that change what is indexed restart the worker', () => {
  const base = SettingsSchema.parse({});
  assert.equal(needsRestart(base, { ...base, defaultK: 50 }), false);
  assert.equal(needsRestart(base, { ...base, defaultMode: 'keyword' }), false);
  assert.equal(needsRestart(base, { ...base, exclude: ['dist'] }), true);
  assert.equal(needsRestart(base, { ...base, model: 'none' }), true);
});

test('package.json declares every setting with type, default, scope and a sentence, and marks the restricted ones', () => {
  const props = pkg.contributes.configuration.properties as Record<string, { type: string; default: unknown; scope: string; description: string }>;
  for (const key of Object.values(SETTING_KEYS)) {
    const p = props[`conexus.${key}`];
    assert.ok(p, `conexus.${key} is declared`);
    assert.ok(p.type && p.scope && 'default' in p, `conexus.${key} has type, scope, default`);
    assert.match(p.description, /^[A-Z].*\.$/, `conexus.${key} has a full-sentence description`);
  }
  const restricted = pkg.capabilities.untrustedWorkspaces.restrictedConfigurations;
  assert.deepEqual([...restricted].sort(), RESTRICTED_FIELDS.map((f) => `conexus.${SETTING_KEYS[f]}`).sort());
  const defaults = SettingsSchema.parse({}) as Record<string, unknown>;
  for (const [field, key] of Object.entries(SETTING_KEYS)) {
    assert.deepEqual(props[`conexus.${key}`].default, defaults[field], `default of conexus.${key} matches the schema`);
  }
});
