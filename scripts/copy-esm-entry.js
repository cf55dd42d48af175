'use strict';
// The package is compiled to CommonJS; ESM importers get this thin wrapper so
// that both module systems share one instance of every signal.
const fs = require('fs');
const path = require('path');

const source = path.join(__dirname, '..', 'src', 'index.mjs');
const target = path.join(__dirname, '..', 'build', 'src', 'index.mjs');
fs.copyFileSync(source, target);
