#!/usr/bin/env node
// The `conexus` command: runs the bundled CLI (built by `npm run build`).
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const bundle = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(bundle)) {
  process.stderr.write('conexus: the CLI is not built yet; run `npm run build` in ' + path.join(__dirname, '..') + '\n');
  process.exit(2);
}
require(bundle).main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write('conexus: ' + (err && err.stack || err) + '\n'); process.exitCode = 1; },
);
