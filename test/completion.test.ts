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
import { allRegisterNames, lookupRegisterName, namesOfRegister, parseRegisterId } from "@vmstate/arm";
import { KNOWN_CPU_SUBSECTIONS, KNOWN_RELEASES } from "@vmstate/destination";
import { NOTHING_TO_OFFER } from "../packages/cli/src/completion/candidates.js";
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

  it("completes a value typed after = (bash splits the word there), each candidate in turn", () => {
    const each = (line: string, count: number) => Array.from({ length: count }, (_, i) => `${line}${"\t".repeat(i + 1)}`);
    const releases = [...KNOWN_RELEASES].sort();
    const lines = [...each("vmstate-inspect dump x.mig --format=", 3), ...each("vmstate-rewrite --fit old.mig --dest-qemu=", releases.length)];
    expect(completeInShell(shell, lines, cwd, bins, { menu: true })).toEqual([
      ...["analyze-migration", "json", "text"].map((f) => `vmstate-inspect dump x.mig --format=${f}`),
      ...releases.map((r) => `vmstate-rewrite --fit old.mig --dest-qemu=${r}`),
    ]);
  });

  it("completes register names and ids for --hide, --set and --add, as the parser takes them", () => {
    const lines = [
      "vmstate-rewrite --hide VENDOR_HYP_BMAP_",
      "vmstate-rewrite --hide KVM_REG_ARM_VENDOR_HYP_BMAP_",
      "vmstate-rewrite --hide id_aa64dfr1",
      "vmstate-rewrite --hide TCR2_EL1,VENDOR_HYP_BMAP_",
      "vmstate-rewrite --hide 0x60300000001600",
      "vmstate-rewrite --hide=VENDOR_HYP_BMAP_",
      // --set and --add: the name comes with its `=`, and the value is typed right after it.
      "vmstate-rewrite --set ID_DFR0_E\t0x03010066",
      "vmstate-rewrite --add ID_AA64DFR1\t0",
      "vmstate-rewrite --set=ID_DFR0_E\t0",
      // The word after a `=` belongs to the one before it, not a file or command name.
      "vmstate-inspect summary --json=true saves/gu",
    ];
    expect(completeInShell(shell, lines, cwd, bins)).toEqual([
      "vmstate-rewrite --hide VENDOR_HYP_BMAP_2",
      "vmstate-rewrite --hide KVM_REG_ARM_VENDOR_HYP_BMAP_2",
      "vmstate-rewrite --hide id_aa64dfr1_el1",
      "vmstate-rewrite --hide TCR2_EL1,VENDOR_HYP_BMAP_2",
      "vmstate-rewrite --hide 0x603000000016000",
      "vmstate-rewrite --hide=VENDOR_HYP_BMAP_2",
      "vmstate-rewrite --set ID_DFR0_EL1=0x03010066",
      "vmstate-rewrite --add ID_AA64DFR1_EL1=0",
      "vmstate-rewrite --set=ID_DFR0_EL1=0",
      "vmstate-inspect summary --json=true saves/guest-11.1.mig",
    ]);
  });

  it("completes cpu subsection names for --drop-subsection; after a register's = or an unknown release, offers no file name", () => {
    const lines = [
      "vmstate-rewrite --drop-subsection cpu/wfx",
      "vmstate-rewrite --drop-subsection=cpu/fp",
      // The cwd holds only `saves/`: a file completion would put it on the line.
      "vmstate-rewrite --set ID_DFR0_EL1=",
      "vmstate-rewrite --set=ID_DFR0_EL1=",
      "vmstate-rewrite --fit x.mig --dest-qemu 9",
      "vmstate-rewrite --fit x.mig --dest-qemu s",
      "vmstate-rewrite --hide NO_SUCH_REG",
    ];
    expect(completeInShell(shell, lines, cwd, bins)).toEqual([
      "vmstate-rewrite --drop-subsection cpu/wfxt-timer",
      "vmstate-rewrite --drop-subsection=cpu/fpmr",
      "vmstate-rewrite --set ID_DFR0_EL1=",
      "vmstate-rewrite --set=ID_DFR0_EL1=",
      "vmstate-rewrite --fit x.mig --dest-qemu 9",
      "vmstate-rewrite --fit x.mig --dest-qemu s",
      "vmstate-rewrite --hide NO_SUCH_REG",
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

  it("offers every register the tables name, each spelling one the parser takes back", () => {
    const offered = (words: string[]) => ask("vmstate-rewrite", words).stdout.split("\n").filter(Boolean);
    const names = offered(["--hide", ""]);
    expect(names).toEqual(expect.arrayContaining([...allRegisterNames(), "VENDOR_HYP_BMAP_2"]));
    for (const name of names) expect(parseRegisterId(name)).toBe(lookupRegisterName(name)[0]!.id);
    const ids = offered(["--hide", "0x"]);
    expect(ids).toContain("0x6030000000160003");
    for (const id of ids) expect(namesOfRegister(parseRegisterId(id))).not.toEqual([]);
    expect(offered(["--set", "TCR2_EL1,PIRE0"])).toEqual(["TCR2_EL1,PIRE0_EL1=", "TCR2_EL1,PIRE0_EL12=", "TCR2_EL1,PIRE0_EL2="]);
    // After `--set NAME=` (bash: `--set`, `NAME`, `=`) the value is the user's: nothing offered, not even files.
    const value = ask("vmstate-rewrite", ["--set", "ID_DFR0_EL1", "="]);
    expect([value.status, value.stdout]).toEqual([NOTHING_TO_OFFER, ""]);
  });

  it("offers the cpu subsections of every release it knows for --drop-subsection", () => {
    const r = ask("vmstate-rewrite", ["--drop-subsection", "cpu/"]);
    expect(r.status).toBe(0);
    expect(r.stdout.split("\n").filter(Boolean)).toEqual([...KNOWN_CPU_SUBSECTIONS]);
    expect(KNOWN_CPU_SUBSECTIONS).toEqual(expect.arrayContaining(["cpu/wfxt-timer", "cpu/fpmr", "cpu/iwmmxt"]));
  });

  it("offers nothing where a file name goes, so the shell completes files", () => {
    for (const words of [["summary", ""], ["diff", "a.mig", ""], ["explain", "a.mig", "--dest", ""]]) {
      const r = ask("vmstate-inspect", words);
      expect([r.status, r.stdout]).toEqual([0, ""]);
    }
    const r = ask("vmstate-rewrite", ["-o", ""]);
    expect([r.status, r.stdout]).toEqual([0, ""]);
  });
});

describe.each(["inspect", "rewrite"])("vmstate-%s --help", (name) => {
  it("mentions the completion command", () => {
    const r = spawnSync(join(bins, `vmstate-${name}`), ["--help"], { encoding: "utf8" });
    expect(r.stdout).toMatch(new RegExp(`vmstate-${name} completion +print a bash and zsh\\s+completion\\s+script`));
  });
});
