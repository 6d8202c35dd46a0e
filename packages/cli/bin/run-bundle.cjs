"use strict";
/**
 * Runs a CLI bundle (dist/bundle/NAME.cjs) as Node would run a CommonJS file, but compiled
 * with its V8 code cache (made by scripts/code-cache.cjs at build time): V8 then reads
 * bytecode instead of compiling ~0.5 MB of JavaScript, ~25 ms sooner at every start.
 *
 * V8 rejects a cache made by another Node.js or under other V8 flags (the bundle then
 * compiles as usual: slower, not wrong), but of the source it checks only the length. So the
 * cache is keyed by the bundle's content: the build writes the bundle's SHA-256 beside it
 * (NAME.cjs.sha256, in sha256sum's format) and names the cache after it. Content survives
 * `npm install` where modification times do not. Hashing the bundle at every start would
 * cost more than the cache saves (loading node:crypto alone is ~7 ms), so the digest is
 * checked against the bundle only when VMSTATE_DEBUG_CODE_CACHE is set, which also makes the
 * bin say on stderr whether V8 took the cache.
 */
const { readFileSync, writeSync } = require("node:fs");
const { dirname, join } = require("node:path");
const { Script } = require("node:vm");

function bundlePath(name) {
  return join(__dirname, "..", "dist", "bundle", `${name}.cjs`);
}

/** Where the bundle's SHA-256, as the build computed it, is written. */
function digestPath(name) {
  return `${bundlePath(name)}.sha256`;
}

/** Where the code cache of a bundle with this SHA-256 (hex) belongs. */
function cachePath(name, digest) {
  return `${bundlePath(name)}.${digest.slice(0, 16)}.cache`;
}

/** The bundle's SHA-256 as recorded at build time, or undefined when none was. */
function recordedDigest(name) {
  try {
    return readFileSync(digestPath(name), "utf8").split(" ", 1)[0];
  } catch {
    return undefined;
  }
}

/** The bundle's code cache, or undefined when there is none for it. */
function readCache(name) {
  const digest = recordedDigest(name);
  if (digest === undefined) return undefined;
  try {
    return readFileSync(cachePath(name, digest));
  } catch {
    return undefined;
  }
}

/**
 * Compiles a bundle inside the wrapper CommonJS uses (the cache belongs to this text), named
 * `filename`. A script compiled from a cache keeps the name the cache was made under (Node
 * 20's V8 ignores this one then): stack traces name the bundle as scripts/code-cache.cjs did.
 */
function compileBundle(name, cachedData, filename = bundlePath(name)) {
  const source = `(function (exports, require, module, __filename, __dirname) {${readFileSync(bundlePath(name), "utf8")}\n})`;
  return new Script(source, { filename, cachedData });
}

/**
 * What became of the cache, for VMSTATE_DEBUG_CODE_CACHE: "accepted", "rejected" (by V8),
 * "missing", or "stale" (the bundle is not the one the cache was made from).
 */
function cacheState(name, cachedData, script) {
  if (cachedData === undefined) return "missing";
  const actual = require("node:crypto").createHash("sha256").update(readFileSync(bundlePath(name))).digest("hex");
  if (actual !== recordedDigest(name)) return "stale";
  return script.cachedDataRejected ? "rejected" : "accepted";
}

/**
 * Runs a bundle, with `cachedData` when given, and returns its compiled script (from which
 * a code cache can be made once it has run; V8 stores the script's `filename` in it).
 */
function runBundle(name, cachedData, filename) {
  const file = bundlePath(name);
  const script = compileBundle(name, cachedData, filename);
  if (process.env.VMSTATE_DEBUG_CODE_CACHE) writeSync(2, `vmstate: code cache of ${name}: ${cacheState(name, cachedData, script)}\n`);
  const module = { exports: {} };
  script.runInThisContext()(module.exports, require, module, file, dirname(file));
  return script;
}

/** What a bin does: runs its bundle with the code cache made for it, if there is one. */
function start(name) {
  runBundle(name, readCache(name));
}

module.exports = { start, runBundle, compileBundle, readCache, bundlePath, digestPath, cachePath };
