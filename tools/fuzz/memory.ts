/**
 * The memory invariant, measured where it can be: a child process per command (the bundled
 * CLIs, as users run them), its peak resident set read by GNU time (`%M`, KiB). Too slow for
 * every mutant; the runner measures one in so many.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FileMutant } from "./targets.js";

const BIN = join(import.meta.dirname, "../../packages/cli/bin");

/** Peak RSS in MiB of each command on a mutant (a file input, -o to a scratch file). */
export function peakRss(m: FileMutant, hideId: string): { command: string; mib: number }[] {
  const dir = mkdtempSync(join(tmpdir(), "vmstate-fuzz-mem-"));
  try {
    const input = join(dir, "in.mig");
    m.write(input);
    const commands: [string, string[]][] = [
      ["verify", ["vmstate-inspect.cjs", "verify", input]],
      ["summary", ["vmstate-inspect.cjs", "summary", input]],
      ["rewrite --hide", ["vmstate-rewrite.cjs", "-i", input, "-o", join(dir, "out.mig"), "--hide", hideId, "--check-ram"]],
    ];
    return commands.map(([command, [bin, ...argv]]) => {
      const r = spawnSync("/usr/bin/time", ["-f", "%M", process.execPath, join(BIN, bin!), ...argv], { encoding: "utf8", maxBuffer: 64 << 20 });
      const kib = Number(r.stderr.trimEnd().split("\n").at(-1));
      return { command, mib: kib / 1024 };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
