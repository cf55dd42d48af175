'use strict';
// The package is compiled to CommonJS; its ES module entries are copied as
// written: index.mjs, a thin wrapper so that both module systems share one
// instance of every signal, and register.mjs, the zero-code start for
// `node --import`, which adds the ESM loader hook and runs register.js.
const fs = require('fs');
const path = require('path');

for (const entry of ['index.mjs', 'register.mjs']) {
  const source = path.join(__dirname, '..', 'src', entry);
  const target = path.join(__dirname, '..', 'build', 'src', entry);
  fs.copyFileSync(source, target);
}
