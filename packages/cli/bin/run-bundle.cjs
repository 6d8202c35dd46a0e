"use strict";
/**
 * Runs a CLI bundle (dist/bundle/NAME.cjs) as Node would run a CommonJS file, but compiled
 * with its V8 code cache (made by scripts/code-cache.cjs at build time): V8 then reads
 * bytecode instead of compiling ~0.5 MB of JavaScript, ~25 ms sooner at every start.
 *
 * V8 rejects a cache made by another Node.js or under other V8 flags (the bundle then
 * compiles as usual: slower, not wrong), but of the source it checks only the length. So the
 * cache file is named after the bundle's size and modification time, and a bundle changed
 * in any way after the build finds no cache rather than a stale one.
 */
const { readFileSync, statSync } = require("node:fs");
const { dirname, join } = require("node:path");
const { Script } = require("node:vm");

function bundlePath(name) {
  return join(__dirname, "..", "dist", "bundle", `${name}.cjs`);
}

/** Where the cache of the bundle as it is now belongs. */
function cachePath(name) {
  const file = bundlePath(name);
  const st = statSync(file);
  return `${file}.${st.size}-${Math.trunc(st.mtimeMs)}.cache`;
}

/** The bundle's code cache, or undefined when there is none for the bundle as it is now. */
function readCache(name) {
  try {
    return readFileSync(cachePath(name));
  } catch {
    return undefined;
  }
}

/** Compiles a bundle inside the wrapper CommonJS uses (the cache belongs to this text). */
function compileBundle(name, cachedData) {
  const file = bundlePath(name);
  const source = `(function (exports, require, module, __filename, __dirname) {${readFileSync(file, "utf8")}\n})`;
  return new Script(source, { filename: file, cachedData });
}

/**
 * Runs a bundle, with `cachedData` when given, and returns its compiled script (from which
 * a code cache can be made once it has run).
 */
function runBundle(name, cachedData) {
  const file = bundlePath(name);
  const script = compileBundle(name, cachedData);
  const module = { exports: {} };
  script.runInThisContext()(module.exports, require, module, file, dirname(file));
  return script;
}

module.exports = { runBundle, compileBundle, cachePath, readCache };
