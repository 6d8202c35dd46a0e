/**
 * Running the built `vmstate-inspect` and `vmstate-rewrite` as a person would, for scripts.
 *
 * Why the built bundles and not the sources: the facts script reports what the shipped
 * commands say (run `npm run build` first). Tests run the sources in-process instead
 * (test/support/cli.ts), so they never see a stale build.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../qemu/binaries.js";

/** What one command run left. */
export interface CommandRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `packages/cli/bin/NAME.cjs` with `args`. */
export function runBuiltCli(name: "vmstate-inspect" | "vmstate-rewrite", args: readonly string[]): CommandRun {
  const bin = join(repoRoot, "packages/cli/bin", `${name}.cjs`);
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run npm run build`);
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
