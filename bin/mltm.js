#!/usr/bin/env node
// Entry of the `mltm` command: the bundled CLI lives in dist/ (built by `npm run build`,
// which `npm install` runs through the `prepare` script).
'use strict';
try {
  var cli = require('../dist/cli.js');
} catch (error) {
  if (error && error.code === 'MODULE_NOT_FOUND' && String(error.message).includes('dist/cli.js')) {
    process.stderr.write(
      'mltm: the CLI is not built yet. Run `npm run build` in the mltm folder.\n',
    );
    process.exit(2);
  }
  throw error;
}
cli.main();
