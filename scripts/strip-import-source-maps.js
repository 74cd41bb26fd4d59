#!/usr/bin/env node
// Removes the inline source maps jsii writes into the generated L1 modules lib/imports/*.js
// (issue #17). They map generated JavaScript to generated TypeScript (nothing a user debugs),
// and they are most of each file: about 1 MB of base64 per CRD that Node reads and scans at
// every `require('cdk8s-rollouts')`, roughly half of the library's require time. The library's
// own modules keep theirs.
'use strict';

const fs = require('fs');
const path = require('path');

const dir = path.join(__dirname, '..', 'lib', 'imports');
const INLINE_MAP = /\n\/\/# sourceMappingURL=data:application\/json;base64,[A-Za-z0-9+/=]*\s*$/;
let saved = 0;
for (const file of fs.readdirSync(dir).filter(f => f.endsWith('.js'))) {
  const full = path.join(dir, file);
  const text = fs.readFileSync(full, 'utf8');
  const stripped = text.replace(INLINE_MAP, '\n');
  if (stripped !== text) {
    fs.writeFileSync(full, stripped);
    saved += text.length - stripped.length;
  }
}
console.log(`lib/imports: removed ${Math.round(saved / 1024)} KiB of inline source maps`);
