/**
 * `vmstate-rewrite` on a mapped-ram file read from a file leaves its page areas unread: the
 * decoder skips them (ByteSource.discard over a file read at positions), so what it reads
 * does not grow with the guest's RAM. Counted on the real QEMU 10.0 captures through the
 * file system the CLI is given: every byte its pread calls return.
 */
import * as nodeFs from "node:fs";
import { copyFileSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { rewriteMain, type CliFs } from "@vmstate/cli";
import { MAPPED_RAM_SAMPLES } from "../tools/samples/mapped-ram.js";
import { runMain } from "./support/cli.js";
import { expandedSample } from "./support/packed-samples.js";
import { firstDifference } from "./support/sparse-files.js";

const BMAP2 = "0x6030000000160003";
const dir = mkdtempSync(join(tmpdir(), "vmstate-mapped-ram-unread-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The real file system, counting the bytes read from `path`'s descriptors. */
function countingFs(): { fs: CliFs; read: () => number } {
  let read = 0;
  const fs = {
    ...nodeFs,
    readSync: (...args: Parameters<typeof nodeFs.readSync>) => {
      const n = nodeFs.readSync(...args);
      read += n;
      return n;
    },
  } as unknown as CliFs;
  return { fs, read: () => read };
}

describe.each(MAPPED_RAM_SAMPLES.map((s) => [s.file] as const))("mapped-ram sample %s read from a file", (name) => {
  const original = expandedSample(name);
  const size = statSync(original).size;

  it("--dry-run reads less than 1% of the file", async () => {
    const counted = countingFs();
    const r = await runMain(rewriteMain, ["-i", original, "--dry-run", "--hide", "TPIDR_EL0", "--verbose"], { fs: counted.fs });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("found from the end");
    expect(counted.read()).toBeGreaterThan(0);
    expect(counted.read()).toBeLessThan(size / 100);
  });

  it("--in-place reads less than 1% of the file, and a second run undoes the first byte for byte", async () => {
    const file = join(dir, `${name}.in-place`);
    copyFileSync(original, file);
    const add = countingFs();
    const added = await runMain(rewriteMain, ["-i", file, "--in-place", "--add", `${BMAP2}=0`], { fs: add.fs });
    expect(added.code, added.stderr).toBe(0);
    expect(add.read()).toBeLessThan(size / 100);
    expect(firstDifference(original, file)).toBeGreaterThan(0);
    const hide = countingFs();
    const hidden = await runMain(rewriteMain, ["-i", file, "--in-place", "--hide", BMAP2], { fs: hide.fs });
    expect(hidden.code, hidden.stderr).toBe(0);
    expect(hide.read()).toBeLessThan(size / 100);
    expect(firstDifference(original, file)).toBe(-1);
  });

  it("-o reads the file once, for the copy alone (its holes read back as zeros), and the copy is the input", async () => {
    const copy = join(dir, `${name}.copy`);
    const counted = countingFs();
    const r = await runMain(rewriteMain, ["-i", original, "-o", copy], { fs: counted.fs });
    expect(r.code, r.stderr).toBe(0);
    expect(firstDifference(original, copy)).toBe(-1);
    expect(counted.read()).toBeGreaterThanOrEqual(size);
    expect(counted.read()).toBeLessThan(size * 1.01);
  });
});
