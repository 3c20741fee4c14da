import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MCP_ENV, mcpArgs } from '../../extension/mcpTarget';

test('the MCP command names every folder and the worker\'s index folder', () => {
  assert.deepEqual(mcpArgs('/ext/dist/cli.js', { folders: ['/ws/a', '/ws/b'], indexDir: '/storage/index' }), [
    '/ext/dist/cli.js', 'mcp', '--workspace', '/ws/a', '--workspace', '/ws/b', '--index-dir', '/storage/index',
  ]);
  assert.equal(MCP_ENV.ELECTRON_RUN_AS_NODE, '1');
});
