/**
 * Shell completion as users get it: `vmstate-inspect completion` / `vmstate-rewrite
 * completion` sourced into a real bash and a real zsh, TAB pressed in a terminal, the
 * completed command line read back. The bins are the built bundles, as installed.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { completeInShell, installedBins, type Shell } from "./support/shell-completion.js";

let bins: string;
let cwd: string;
beforeAll(() => {
  bins = installedBins();
  cwd = mkdtempSync(join(tmpdir(), "vmstate-completion-cwd-"));
  mkdirSync(join(cwd, "saves"));
  writeFileSync(join(cwd, "saves", "guest-11.1.mig"), "");
});
afterAll(() => {
  for (const dir of [bins, cwd]) rmSync(dir, { recursive: true, force: true });
});

describe.each<Shell>(["bash", "zsh"])("completion in %s", (shell) => {
  it("completes commands, options, option values and stream file names", () => {
    const lines = [
      "vmstate-inspect su",
      "vmstate-inspect dump x.mig --format an",
      "vmstate-inspect explain x.mig --dest-qemu 7",
      "vmstate-inspect summary saves/gu",
      "vmstate-inspect report saves/guest-11.1.mig --dest-q",
      "vmstate-rewrite --hide-f",
      "vmstate-rewrite --dry",
      "vmstate-rewrite -i saves/g",
      "vmstate-rewrite --no-pro",
      "vmstate-inspect dump x.mig --format=an",
      "vmstate-rewrite --fit saves/guest-11.1.mig --dest-qemu=11",
    ];
    expect(completeInShell(shell, lines, cwd, bins)).toEqual([
      "vmstate-inspect summary",
      "vmstate-inspect dump x.mig --format analyze-migration",
      "vmstate-inspect explain x.mig --dest-qemu 7.2",
      "vmstate-inspect summary saves/guest-11.1.mig",
      "vmstate-inspect report saves/guest-11.1.mig --dest-qemu",
      "vmstate-rewrite --hide-from",
      "vmstate-rewrite --dry-run",
      "vmstate-rewrite -i saves/guest-11.1.mig",
      "vmstate-rewrite --no-progress",
      "vmstate-inspect dump x.mig --format=analyze-migration",
      "vmstate-rewrite --fit saves/guest-11.1.mig --dest-qemu=11.1",
    ]);
  });

  it("completes an ambiguous prefix up to what the candidates share", () => {
    // --hide and --hide-from: the shell inserts their common part.
    expect(completeInShell(shell, ["vmstate-rewrite --hi"], cwd, bins)).toEqual(["vmstate-rewrite --hide"]);
  });
});

describe("--get-completions", () => {
  const ask = (name: string, words: string[]) =>
    spawnSync(join(bins, name), ["--get-completions", ...words], { encoding: "utf8" });

  it("lists every vmstate-inspect command, and each command's own options after it", () => {
    const r = ask("vmstate-inspect", [""]);
    expect(r.status).toBe(0);
    expect(r.stdout.split("\n").filter(Boolean)).toEqual(["completion", "summary", "sections", "cpregs", "diff", "explain", "dump", "extract-ram", "xml", "verify", "report"]);
    expect(ask("vmstate-inspect", ["sections", "--"]).stdout).toContain("--all\n");
    expect(ask("vmstate-inspect", ["summary", "--"]).stdout).not.toContain("--all\n");
  });

  it("offers nothing where a file name goes, so the shell completes files", () => {
    for (const words of [["summary", ""], ["diff", "a.mig", ""], ["explain", "a.mig", "--dest", ""]]) {
      expect(ask("vmstate-inspect", words).stdout).toBe("");
    }
    expect(ask("vmstate-rewrite", ["-o", ""]).stdout).toBe("");
  });
});

describe.each(["inspect", "rewrite"])("vmstate-%s --help", (name) => {
  it("mentions the completion command", () => {
    const r = spawnSync(join(bins, `vmstate-${name}`), ["--help"], { encoding: "utf8" });
    expect(r.stdout).toMatch(new RegExp(`vmstate-${name} completion +print a bash and zsh\\s+completion\\s+script`));
  });
});
