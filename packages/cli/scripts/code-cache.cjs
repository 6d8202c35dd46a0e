"use strict";
/**
 * Makes the V8 code cache of one CLI bundle: runs it once, without a cache, on the command
 * line given, then saves the bytecode of everything that ran (dist/bundle/NAME.cjs.*.cache,
 * see bin/run-bundle.cjs). Called by scripts/bundle.mjs with the bin's Node flags:
 *
 *   node [bin flags] scripts/code-cache.cjs rewrite -i SAMPLE --dry-run --hide …
 */
const { writeFileSync } = require("node:fs");
const { cachePath, runBundle } = require("../bin/run-bundle.cjs");

const [name, ...args] = process.argv.slice(2);
process.argv = [process.argv[0], name, ...args];
const script = runBundle(name, undefined);
process.on("exit", (code) => {
  if (code === 0) writeFileSync(cachePath(name), script.createCachedData());
});
