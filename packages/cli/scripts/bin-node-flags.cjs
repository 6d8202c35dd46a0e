"use strict";
const { readFileSync } = require("node:fs");

/**
 * The Node flags on a bin's `#!/usr/bin/env -S node …` line. The code cache must be made
 * under them (V8 rejects a cache made under other flags): scripts/bundle.mjs makes it so
 * with the flags read here, and test/bin.test.ts runs the bins to check it is accepted.
 */
function binNodeFlags(bin) {
  const first = readFileSync(bin, "utf8").split("\n", 1)[0];
  const m = /^#!\/usr\/bin\/env (?:-S )?node(.*)$/.exec(first);
  if (!m) throw new Error(`${bin}: unexpected first line ${first}`);
  return m[1].trim().split(/\s+/).filter(Boolean);
}

module.exports = { binNodeFlags };
