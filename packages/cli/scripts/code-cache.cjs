"use strict";
/**
 * Makes the V8 code cache of one CLI bundle: runs it once, without a cache, on the command
 * line given, then saves the bytecode of everything that ran, keyed by the bundle's SHA-256
 * (dist/bundle/NAME.cjs.sha256 and NAME.cjs.<digest>.cache, see bin/run-bundle.cjs). Called
 * by scripts/bundle.mjs with the bin's Node flags:
 *
 *   node [bin flags] scripts/code-cache.cjs rewrite -i SAMPLE --dry-run --hide …
 */
const { createHash } = require("node:crypto");
const { readFileSync, writeFileSync } = require("node:fs");
const { basename } = require("node:path");
const { bundlePath, cachePath, digestPath, runBundle } = require("../bin/run-bundle.cjs");

const [name, ...args] = process.argv.slice(2);
process.argv = [process.argv[0], name, ...args];
// Named as the package has it, not by where it was built: the cache is shipped, V8 stores
// the name in it, and a script compiled from the cache keeps that name in stack traces.
const script = runBundle(name, undefined, `@vmstate/cli/dist/bundle/${name}.cjs`);
process.on("exit", (code) => {
  if (code !== 0) return;
  const digest = createHash("sha256").update(readFileSync(bundlePath(name))).digest("hex");
  writeFileSync(cachePath(name, digest), script.createCachedData());
  writeFileSync(digestPath(name), `${digest}  ${basename(bundlePath(name))}\n`);
});
