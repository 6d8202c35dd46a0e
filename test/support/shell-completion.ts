/**
 * Drives a real interactive bash or zsh through a terminal (util-linux `script` gives it a
 * pty) with the built bins on PATH under their installed names and their completion script
 * sourced: each line is typed, TAB pressed, and the completed line echoed back, so what is
 * checked is what the shell put on the command line, not what our code says it offered.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const binDir = resolve(import.meta.dirname, "../../packages/cli/bin");

/** Printed before each completed line; typed as `$((1+1))` so the echoed input never matches it. */
const MARK = "COMPLETED2: ";

export type Shell = "bash" | "zsh";

/** A new directory with `vmstate-inspect` and `vmstate-rewrite` linked to the built bins, as npm links them. */
export function installedBins(): string {
  const dir = mkdtempSync(join(tmpdir(), "vmstate-completion-bin-"));
  for (const name of ["inspect", "rewrite"]) symlinkSync(join(binDir, `vmstate-${name}.cjs`), join(dir, `vmstate-${name}`));
  return dir;
}

/**
 * Types each of `lines` followed by TAB into `shell` running in `cwd`, with `bins` (holding
 * both commands) first on PATH, and returns each line as the shell completed it (trailing
 * space trimmed).
 */
export function completeInShell(shell: Shell, lines: readonly string[], cwd: string, bins: string): string[] {
  const home = mkdtempSync(join(tmpdir(), `vmstate-completion-${shell}-`));
  try {
    return typeInShell(shell, lines, cwd, bins, home);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

function typeInShell(shell: Shell, lines: readonly string[], cwd: string, bins: string, home: string): string[] {
  const setup = 'source <(vmstate-inspect completion)\nsource <(vmstate-rewrite completion)\nPS1="$ "\n';
  // zsh: the completion system started by the script itself (no compinit in this .zshrc).
  writeFileSync(join(home, shell === "zsh" ? ".zshrc" : ".bashrc"), setup);
  const command = shell === "zsh" ? "zsh -i" : `bash --noprofile --rcfile ${join(home, ".bashrc")} -i`;
  // TAB completes, Ctrl-A goes to the start of the line, where an echo is put in front.
  const input = lines.map((l) => `${l}\t\x01echo COMPLETED$((1+1)): \n`).join("") + "exit\n";
  const r = spawnSync("script", ["-qec", command, "/dev/null"], {
    cwd,
    input,
    encoding: "utf8",
    env: { PATH: `${bins}:${process.env.PATH}`, HOME: home, ZDOTDIR: home, TERM: "dumb", SHELL: `/bin/${shell}` },
  });
  if (r.status !== 0) throw new Error(`${shell} exited ${r.status}: ${r.stderr}`);
  const out = r.stdout.replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]|\r/g, "");
  return out
    .split("\n")
    .filter((l) => l.startsWith(MARK))
    .map((l) => l.slice(MARK.length).trimEnd());
}
