/**
 * What `npm pack` gives, as a user installs it: every package's tarball holds exactly what
 * runs and says who may use it and where to report bugs; the CLI's tarball installs alone,
 * runs from any directory, and starts from its code cache, in the CPU time it takes in the
 * repository (`npm run bench` gives the figures beside `node -e 0`).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ISSUES_URL } from "../packages/cli/src/exit-codes.js";
import { SAMPLES_DIR } from "./support/samples.js";
import { completeInShell } from "./support/shell-completion.js";
import { installCli, npm, type InstalledCli } from "../bench/install-cli.js";
import { cpuSeconds, median } from "../bench/timing.js";

const root = resolve(import.meta.dirname, "..");
const rootPkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const license = readFileSync(join(root, "LICENSE"), "utf8");

interface PackedFile {
  path: string;
}
interface Packed {
  name: string;
  filename: string;
  files: PackedFile[];
}

const packs: Packed[] = JSON.parse(npm(["pack", "--dry-run", "--json", "--workspaces"], root));
const packageJson = (name: string) => JSON.parse(readFileSync(join(root, "packages", name.replace("@vmstate/", ""), "package.json"), "utf8"));

describe.each(packs.map((p) => [p.name, p] as const))("npm pack of %s", (name, pack) => {
  const pkg = packageJson(name);
  const files = pack.files.map((f) => f.path);

  it("is publishable: MIT with its LICENSE and README, where to find the code and report bugs, which Node.js", () => {
    expect(pkg.private).toBeUndefined();
    expect(pkg.license).toBe("MIT");
    expect(files).toEqual(expect.arrayContaining(["LICENSE", "README.md", "package.json"]));
    expect(readFileSync(join(root, "packages", name.replace("@vmstate/", ""), "LICENSE"), "utf8")).toBe(license);
    expect(pkg.repository.url).toBe(`git+${ISSUES_URL.replace(/\/issues$/, "")}.git`);
    expect(pkg.repository.directory).toBe(`packages/${name.replace("@vmstate/", "")}`);
    expect(pkg.bugs.url).toBe(ISSUES_URL);
    expect(pkg.engines.node).toBe(rootPkg.engines.node);
  });

  it("ships no build state, source maps, TypeScript sources or tests", () => {
    for (const f of files) {
      expect(f).not.toMatch(/\.tsbuildinfo$|\.map$|\.test\.|(?<!\.d)\.ts$/);
      expect(f).not.toMatch(/^src\//);
    }
  });

  it("points every entry (exports, types, bins) at a shipped file", () => {
    const targets: string[] = [];
    const walk = (v: unknown): void => {
      if (typeof v === "string") targets.push(v);
      else if (v && typeof v === "object") Object.values(v).forEach(walk);
    };
    walk(pkg.exports);
    walk(pkg.types);
    walk(pkg.bin);
    expect(targets.length).toBeGreaterThan(0);
    for (const t of targets) expect(files, t).toContain(t.replace(/^\.\//, ""));
  });
});

describe("npm pack", () => {
  it("builds first: a package without dist/ packs its compiled modules", () => {
    // packages/wire copied with what its build needs, so the real dist/ is left alone.
    const dir = mkdtempSync(join(tmpdir(), "vmstate-prepack-"));
    try {
      cpSync(join(root, "tsconfig.base.json"), join(dir, "tsconfig.base.json"));
      cpSync(join(root, "packages/wire"), join(dir, "packages/wire"), { recursive: true, filter: (f) => f !== join(root, "packages/wire/dist") });
      symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
      const [packed] = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--offline"], { cwd: join(dir, "packages/wire"), encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })) as Packed[];
      expect(packed!.files.map((f) => f.path)).toEqual(expect.arrayContaining(["dist/index.js", "dist/index.d.ts"]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(packs.map((p) => p.name))("of %s runs its build (prepack)", (name) => {
    const build = name === "@vmstate/cli" ? "tsc -b && node scripts/bundle.mjs" : "tsc -b";
    expect(packageJson(name).scripts.prepack).toBe(build);
  });
});

describe("the library packages", () => {
  it.each(packs.filter((p) => p.name !== "@vmstate/cli").map((p) => p.name))("%s exports its types first, then ES modules", (name) => {
    const dot = packageJson(name).exports["."];
    expect(Object.keys(dot)).toEqual(["types", "default"]);
    expect(dot.types).toBe("./dist/index.d.ts");
    expect(dot.default).toBe("./dist/index.js");
  });
});

describe("the CLI package", () => {
  const pkg = packageJson("@vmstate/cli");
  const files = packs.find((p) => p.name === "@vmstate/cli")!.files.map((f) => f.path);

  it("ships no directory of the machine that built it (bundles, code caches)", () => {
    for (const f of files) expect(readFileSync(join(root, "packages/cli", f)).includes(root), f).toBe(false);
  });

  it("depends on nothing: the workspace packages and yargs are bundled", () => {
    expect(pkg.dependencies).toBeUndefined();
    expect(Object.keys(pkg.devDependencies)).toEqual(expect.arrayContaining(["yargs", "@vmstate/rewrite", "@vmstate/inspect"]));
  });

  it("ships the bins, the bundles and their content-keyed code caches, and nothing else", () => {
    const shape = files.map((f) => f.replace(/\.[0-9a-f]{16}\.cache$/, ".<digest>.cache")).sort();
    expect(shape).toEqual(
      [
        "LICENSE",
        "README.md",
        "package.json",
        "bin/run-bundle.cjs",
        "bin/vmstate-inspect.cjs",
        "bin/vmstate-rewrite.cjs",
        ...["inspect", "rewrite"].flatMap((n) => [`dist/bundle/${n}.cjs`, `dist/bundle/${n}.cjs.<digest>.cache`, `dist/bundle/${n}.cjs.sha256`]),
      ].sort(),
    );
  });
});

describe("the CLI tarball installed alone", () => {
  let dir: string;
  let cli: InstalledCli;
  /** Somewhere that is neither the repository nor the installation. */
  let elsewhere: string;
  const sample = join(SAMPLES_DIR, "aarch64-virt-max-1cpu.mig");
  const version = packageJson("@vmstate/cli").version as string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "vmstate-pack-"));
    elsewhere = mkdtempSync(join(dir, "elsewhere-"));
    cli = installCli(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const installed = (name: string) => join(cli.prefix, "bin", name);

  it("runs both commands from another directory", () => {
    const v = spawnSync(installed("vmstate-rewrite"), ["--version"], { cwd: elsewhere, encoding: "utf8" });
    expect(v.stderr).toBe("");
    expect(v.stdout.trim()).toBe(version);
    const summary = spawnSync(installed("vmstate-inspect"), ["summary", sample], { cwd: elsewhere, encoding: "utf8" });
    expect(summary.stderr).toBe("");
    expect(summary.status).toBe(0);
    expect(summary.stdout).toMatch(/^machine: +virt-7\.2$/m);
  });

  it("runs with npx from the tarball", () => {
    const out = npm(["exec", "--yes", `--package=${cli.tarball}`, "--", "vmstate-inspect", "summary", sample], elsewhere, { npm_config_cache: cli.cache });
    expect(out).toMatch(/^machine: +virt-7\.2$/m);
  });

  it("completes in bash from the installed commands (the script runs them by name from PATH)", () => {
    const bins = join(cli.prefix, "bin");
    expect(completeInShell("bash", ["vmstate-inspect ver", "vmstate-rewrite --drop"], elsewhere, bins)).toEqual([
      "vmstate-inspect verify",
      "vmstate-rewrite --drop-subsection",
    ]);
  });

  it.each(["vmstate-rewrite", "vmstate-inspect"])("%s starts from its code cache, the bundle being the one it was made from", (name) => {
    const r = spawnSync(installed(name), ["--version"], { cwd: elsewhere, encoding: "utf8", env: { ...process.env, VMSTATE_DEBUG_CODE_CACHE: "1" } });
    expect(r.stderr).toMatch(/^vmstate: code cache of \w+: accepted$/m);
  });

  it.each(["vmstate-rewrite", "vmstate-inspect"])("%s takes, installed, within 15% of the start-up CPU time it takes in the repository", (name) => {
    // Alternating, so a change in the machine's load weighs on both alike; medians.
    const repo: number[] = [];
    const installedRuns: number[] = [];
    for (let i = 0; i < 9; i++) {
      repo.push(cpuSeconds(join(root, "packages/cli/bin", `${name}.cjs`), ["--version"], elsewhere));
      installedRuns.push(cpuSeconds(installed(name), ["--version"], elsewhere));
    }
    expect(median(installedRuns) / median(repo), `installed ${installedRuns.join(" ")}; repository ${repo.join(" ")}`).toBeLessThan(1.15);
  });
});
