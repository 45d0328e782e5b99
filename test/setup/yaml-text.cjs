// Lets tests import `.yaml` files as text, as esbuild's `text` loader does in the bundles.
'use strict';
const { readFileSync } = require('node:fs');
require.extensions['.yaml'] = (module, filename) => {
  module.exports = readFileSync(filename, 'utf8');
};
