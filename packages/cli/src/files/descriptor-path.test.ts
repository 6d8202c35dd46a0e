/**
 * The race behind a temporary file left by SIGTERM under load: the kernel copy opens its
 * destination by name on the thread pool, and when that task starts only after the signal's
 * cleanup unlinked the temporary file, opening the name would create it again. Copied
 * through descriptorPath, it lands in the unlinked file and no name reappears.
 */
import * as nodeFs from "node:fs";
import { mkdtempSync, openSync, readdirSync, rmSync, unlinkSync, writeFileSync, fstatSync, closeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import type { CliFs } from "../io.js";
import { copyFileInKernel, descriptorPath } from "./file-io.js";

const dir = mkdtempSync(join(tmpdir(), "vmstate-fdpath-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fs = nodeFs as unknown as CliFs;

it("copies into a temporary file unlinked before the copy starts, without recreating its name", async () => {
  const src = join(dir, "src");
  writeFileSync(src, Buffer.alloc(3 * 65536, 7));
  const tmp = join(dir, "out.tmp");
  const fd = openSync(tmp, "wx", 0o666);
  const target = descriptorPath(fs, fd, tmp);
  expect(target).toBe(`/proc/self/fd/${fd}`);
  unlinkSync(tmp);
  await copyFileInKernel(fs, src, target);
  expect(readdirSync(dir)).toEqual(["src"]);
  expect(fstatSync(fd).size).toBe(3 * 65536);
  closeSync(fd);
});

it("names the path itself where /proc does not name the same file", () => {
  const memory = { ...fs, statSync: () => { throw Object.assign(new Error("ENOENT"), { code: "ENOENT" }); } } as CliFs;
  expect(descriptorPath(memory, 3, "/x/out.tmp")).toBe("/x/out.tmp");
});
