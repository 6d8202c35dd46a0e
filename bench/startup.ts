/**
 * Start-up cost of the commands in the repository and installed from their tarball (the V8
 * code cache must survive installation), beside `node -e 0`: CPU seconds (user+sys) of
 * `--version`, alternating, median and every run.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { installCli } from "./install-cli.js";
import { cpuSeconds, median } from "./timing.js";

const binDir = resolve(import.meta.dirname, "../packages/cli/bin");

export function runStartupBench(runs: number): void {
  const dir = mkdtempSync(join(tmpdir(), "vmstate-bench-startup-"));
  try {
    const { prefix } = installCli(dir);
    const node: number[] = [];
    for (let i = 0; i < runs; i++) node.push(cpuSeconds(process.execPath, ["-e", "0"], dir));
    const ms = (xs: number[]) => `${(median(xs) * 1000).toFixed(0)} ms (${xs.map((x) => (x * 1000).toFixed(0)).join(" ")})`;
    console.log(`start-up CPU, node -e 0: ${ms(node)}`);
    for (const name of ["vmstate-rewrite", "vmstate-inspect"]) {
      const repo: number[] = [];
      const installed: number[] = [];
      for (let i = 0; i < runs; i++) {
        repo.push(cpuSeconds(join(binDir, `${name}.cjs`), ["--version"], dir));
        installed.push(cpuSeconds(join(prefix, "bin", name), ["--version"], dir));
      }
      console.log(`start-up CPU, ${name} --version: repository ${ms(repo)}; installed ${ms(installed)}; ratio ${(median(installed) / median(repo)).toFixed(2)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
