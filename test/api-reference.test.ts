/**
 * `npm run docs` as a user runs it: typedoc builds the API reference of every library
 * package without a warning (typedoc.json treats warnings as errors: a public signature
 * naming an unexported type, a link to something undocumented), and each package's
 * reference lists everything its entry point exports, types included. typedoc.json turns
 * source links off: a clone's origin (a local path in CI, or none) is no remote typedoc can
 * link to, and it warns about that.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "..");
const rootPkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { workspaces: string[]; scripts: Record<string, string> };
/** Every workspace package but the CLI, whose package is its two commands, not an API. */
const libraries = rootPkg.workspaces.filter((w) => w !== "packages/cli");
const out = mkdtempSync(join(tmpdir(), "vmstate-api-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

interface Reflection {
  name: string;
  children?: Reflection[];
}

/** What `src/index.ts` of a package exports, by name, as the compiler sees it (types too). */
function exportedNames(dir: string): string[] {
  const entry = join(root, dir, "src/index.ts");
  const config = ts.getParsedCommandLineOfConfigFile(join(root, dir, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
  const program = ts.createProgram([entry], config.options);
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
  return checker.getExportsOfModule(module).map((s) => s.name).sort();
}

describe("npm run docs", () => {
  it("is typedoc over the library packages, after a build", () => {
    expect(rootPkg.scripts.docs).toBe("tsc -b && typedoc");
  });

  // The built HTML goes to a temporary directory (not docs/api) with a JSON model beside it.
  const typedoc = spawnSync(join(root, "node_modules/.bin/typedoc"), ["--out", join(out, "html"), "--json", join(out, "api.json")], { cwd: root, encoding: "utf8" });
  const output = `${typedoc.stdout}${typedoc.stderr}`;

  it("succeeds without a warning or an error", () => {
    expect(output).not.toMatch(/\[(warning|error)\]/);
    expect(typedoc.status).toBe(0);
    expect(output).toMatch(/html generated at/);
  });

  const modules = typedoc.status === 0 ? (JSON.parse(readFileSync(join(out, "api.json"), "utf8")) as Reflection).children ?? [] : [];

  it("documents every library package and nothing else", () => {
    const names = libraries.map((dir) => JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8")).name as string);
    expect(modules.map((m) => m.name).sort()).toEqual(names.sort());
  });

  it.each(libraries)("documents everything %s exports", (dir) => {
    const name = JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8")).name as string;
    const documented = (modules.find((m) => m.name === name)?.children ?? []).map((c) => c.name).sort();
    const exported = exportedNames(dir);
    expect(exported.length).toBeGreaterThan(5);
    expect(documented).toEqual(exported);
  });
});

describe("the API reference's HTML", () => {
  it("has a page per package, reachable from the index", () => {
    const index = readFileSync(join(out, "html", "index.html"), "utf8");
    for (const dir of libraries) {
      const name = JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8")).name as string;
      expect(index).toContain(name);
    }
    expect(readdirSync(join(out, "html", "modules")).length).toBe(libraries.length);
  });
});
