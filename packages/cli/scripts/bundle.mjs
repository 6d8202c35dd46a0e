/**
 * `npm run bundle`: turns the compiled CLIs (dist/bin/*.js) into one CommonJS file each
 * (dist/bundle/rewrite.cjs, inspect.cjs) and makes their V8 code caches (scripts/code-cache.cjs).
 *
 * Why bundle: loading ~100 ES modules one by one costs ~100 ms at every start, and
 * vmstate-rewrite sits in pipelines where the writer waits while it starts. Why CommonJS: only
 * a classic script can be compiled with a code cache on Node 20 (bin/run-bundle.cjs), and
 * importing node:fs as an ES module also pays for Node's fs stream getters.
 */
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { binNodeFlags } from "./bin-node-flags.cjs";

const pkgDir = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");
const pkg = JSON.parse(readFileSync(`${pkgDir}/package.json`, "utf8"));

// Nothing stale survives a rebuild (an old bundle beside a new cache would be confusing).
rmSync(`${pkgDir}/dist/bundle`, { recursive: true, force: true });

await build({
  absWorkingDir: pkgDir,
  entryPoints: { rewrite: "dist/bin/rewrite.js", inspect: "dist/bin/inspect.js" },
  outdir: "dist/bundle",
  outExtension: { ".js": ".cjs" },
  bundle: true,
  platform: "node",
  format: "cjs",
  logLevel: "warning",
  define: {
    VMSTATE_VERSION: JSON.stringify(pkg.version),
    // yargs' ES build asks import.meta.url where it lives; a CommonJS file answers with its own path.
    "import.meta.url": "__bundleUrl",
  },
  // Strict like the ES modules it is made of: the directive must come first, before the banner.
  banner: { js: '"use strict";\nvar __bundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  plugins: [
    loadOnFirstCall("string-width"),
    standIn("assert", "scripts/assert-on-failure.mjs"),
    // yargs' shim reads process.stdout.columns when it loads, which creates process.stdout,
    // and Node then makes a piped fd 1 non-blocking: vmstate-rewrite's synchronous writes of
    // the stream would meet EAGAIN whenever the reader lags. The CLIs always give .wrap(),
    // so yargs never needs the width from there.
    replaceOnce("yargs/lib/platform-shims/esm.mjs", "typeof process.stdout.columns !== 'undefined' ? process.stdout.columns : null", "null"),
    // A new yargs guesses its program's version: it lists every directory from the working
    // directory up for a package.json, and where none is found its failed check loads
    // node:assert (which creates process.stderr). The CLIs set .version(VERSION) themselves.
    replaceOnce("yargs/build/lib/yargs-factory.js", "        yargs.version();\n", ""),
  ],
});

// A representative run of each command compiles the functions a real run needs, so the cache
// holds them too. It must run with the bin's own Node flags: V8 rejects a cache made under others.
const sample = `${pkgDir}/../../samples/aarch64-virt-max-1cpu.mig`;
const workloads = {
  rewrite: ["-i", sample, "--dry-run", "--hide", "ID_AA64DFR1_EL1", "--set", "ID_DFR0_EL1=0"],
  inspect: ["summary", sample],
};
for (const [name, args] of Object.entries(workloads)) {
  const flags = binNodeFlags(`${pkgDir}/bin/vmstate-${name}.cjs`);
  const r = spawnSync(process.execPath, [...flags, `${pkgDir}/scripts/code-cache.cjs`, name, ...args], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`making the code cache of ${name} failed (exit ${r.status}):\n${r.stderr}`);
}

/**
 * Makes a package whose only export is a default function load on its first call instead of
 * at start-up. For `string-width`, yargs' help-text measurer (three versions of it are
 * bundled): loading it builds Unicode property regexes and an Intl.Segmenter, ~25 ms at
 * every start, though only help and usage text ever measure a string. Each import of the
 * package gets a stand-in that `require`s the real module (which esbuild then evaluates
 * lazily) when first called.
 */
function loadOnFirstCall(pkgName) {
  const filter = new RegExp(`^${pkgName}$`);
  return {
    name: `load-on-first-call:${pkgName}`,
    setup(b) {
      b.onResolve({ filter }, async (args) => {
        if (args.namespace === "load-on-first-call") return undefined;
        // The stand-in is an ES module with a default export: a require() would get its namespace.
        if (args.kind !== "import-statement") return { errors: [{ text: `${pkgName} is loaded with ${args.kind}; the stand-in serves import statements only` }] };
        const real = await b.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, namespace: "load-on-first-call" });
        if (real.errors.length > 0) return { errors: real.errors };
        // Relative to the package: esbuild names a module of a plugin's namespace by its path in
        // a comment, and the bundle must not carry the build machine's directories.
        return { path: `./${relative(pkgDir, real.path)}`, namespace: "load-on-first-call" };
      });
      b.onLoad({ filter: /.*/, namespace: "load-on-first-call" }, (args) => ({
        resolveDir: pkgDir,
        contents: [
          "let real;",
          "export default function onFirstCall(...args) {",
          `  real ??= require(${JSON.stringify(args.path)}).default;`,
          "  return real(...args);",
          "}",
        ].join("\n"),
      }));
    },
  };
}

/** Replaces the one occurrence of `from` in the bundled file whose path ends with `fileSuffix`; fails the build when there is none. */
function replaceOnce(fileSuffix, from, to) {
  return {
    name: `replace-once:${fileSuffix}`,
    setup(b) {
      let seen = false;
      b.onLoad({ filter: new RegExp(`${fileSuffix.replace(/[.\/]/g, "\\$&")}$`) }, (args) => {
        const text = readFileSync(args.path, "utf8");
        const at = text.indexOf(from);
        if (at < 0 || text.indexOf(from, at + 1) >= 0) return { errors: [{ text: `${args.path}: expected exactly one ${JSON.stringify(from)}` }] };
        seen = true;
        return { contents: text.slice(0, at) + to + text.slice(at + from.length), loader: "js" };
      });
      b.onEnd((result) => {
        if (result.errors.length === 0 && !seen) result.errors.push({ text: `${fileSuffix} was not bundled: nothing replaced` });
      });
    },
  };
}

/** Resolves every import of `moduleName` to the file `standInFile` (relative to the package). */
function standIn(moduleName, standInFile) {
  return {
    name: `stand-in:${moduleName}`,
    setup(b) {
      b.onResolve({ filter: new RegExp(`^(node:)?${moduleName}$`) }, (args) =>
        args.importer.endsWith(standInFile) ? undefined : { path: `${pkgDir}/${standInFile}` },
      );
    },
  };
}
