/**
 * SIGINT and SIGTERM while `-o` copies the unchanged part of a large file (the kernel's
 * whole-file copy, or a sparse file's block-by-block copy, then the fsync): acted on at once,
 * the temporary file removed, the process dead of the signal (what a shell and a service
 * manager expect). The input is the 262 MiB mapped-ram sample: as it is (sparse), and with its
 * holes filled (a real 262 MiB file, copied by copy_file_range).
 */
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expandedSample } from "./support/packed-samples.js";

const bin = resolve(import.meta.dirname, "../packages/cli/bin/vmstate-rewrite.cjs");
const root = mkdtempSync(join(tmpdir(), "vmstate-signals-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const SPARSE = expandedSample("newer-aarch64-virt-mapped-ram.mig");
const FILLED = join(root, "filled.mig");
beforeAll(() => {
  expect(spawnSync("cp", ["--sparse=never", SPARSE, FILLED]).status).toBe(0);
});

let n = 0;
/** Runs `-i input -o DIR/out.mig` and sends `signal` as soon as the temporary file is there. */
async function signalDuringCopy(input: string, signal: NodeJS.Signals) {
  const d = join(root, `case-${n++}`);
  mkdirSync(d);
  const child = spawn(process.execPath, [bin, "-i", input, "-o", join(d, "out.mig"), "-q"], { stdio: ["ignore", "ignore", "pipe"] });
  const exited = once(child, "exit");
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (t: string) => (stderr += t));
  while (!readdirSync(d).some((f) => f.endsWith(".tmp"))) await new Promise((r) => setTimeout(r, 2));
  child.kill(signal);
  const [code, died] = await exited;
  return { code, died, stderr, left: readdirSync(d) };
}

describe("a signal while -o copies a large file", () => {
  it.each([
    ["SIGTERM", "the kernel's copy of a real file", () => FILLED],
    ["SIGINT", "the block-by-block copy of a sparse file", () => SPARSE],
  ] as const)("%s during %s ends the process by the signal and leaves nothing", async (signal, _, input) => {
    const r = await signalDuringCopy(input(), signal);
    expect([r.code, r.died, r.stderr]).toEqual([null, signal, ""]);
    expect(r.left).toEqual([]);
  });
});
