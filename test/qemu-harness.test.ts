/**
 * Proves the QEMU harness (tools/qemu) works against a real QEMU: a captured stream starts with
 * the QEVM magic and loads back, and a truncated copy is rejected with QEMU's error text.
 *
 * QEMU missing is a failure with the reason (how to install it), never a skip.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { qemuMajorMinor, requireQemu, type QemuBinary } from "../tools/qemu/binaries.js";
import { captureStream } from "../tools/qemu/capture.js";
import { loadStream, resumeAndCheck } from "../tools/qemu/load.js";


const ARGS = ["-M", "virt", "-cpu", "cortex-a57", "-m", "32", "-nodefaults"];

describe("QEMU harness", () => {
  let dir: string;
  let binary: QemuBinary;
  let stream: string;

  beforeAll(async () => {
    // Throws with the reason when QEMU is missing, failing every test below.
    binary = requireQemu("aarch64");
    dir = mkdtempSync(join(tmpdir(), "vmstate-harness-"));
    stream = join(dir, "tiny.mig");
    await captureStream({ binary, args: ARGS, runMs: 100, file: stream });
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("captures a stream that starts with the QEVM magic and version 3", () => {
    const head = readFileSync(stream).subarray(0, 8);
    expect([...head]).toEqual([0x51, 0x45, 0x56, 0x4d, 0x00, 0x00, 0x00, 0x03]);
  });

  it("loads the captured stream back, and the guest runs after cont", async () => {
    const r = await loadStream({ binary, args: ARGS, file: stream, keep: true });
    try {
      expect(r.reason ?? "").toBe("");
      expect(r.ok).toBe(true);
      expect(r.status).toBe("completed");
      expect(await resumeAndCheck(r.process!)).toBe("running");
    } finally {
      await r.process?.cleanup();
    }
  });

  it("rejects a truncated stream with ok=false and QEMU's error on stderr", async () => {
    const bytes = readFileSync(stream);
    const cut = join(dir, "truncated.mig");
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const r = await loadStream({ binary, args: ARGS, file: cut });
    expect(r.ok).toBe(false);
    expect(r.stderr.trim()).not.toBe("");
  });
});

describe("QEMU harness: 11.x in the trixie chroot", () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "vmstate-harness-trixie-"));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("runs QEMU 11 through the chroot, which sees our temp dir: it saves a stream and loads it back", async () => {
    const binary = requireQemu("trixie-aarch64");
    expect(qemuMajorMinor(binary)).toMatch(/^1[1-9]\./);
    const stream = join(dir, "tiny-11.mig");
    const cap = await captureStream({ binary, args: ARGS, runMs: 100, file: stream });
    expect(cap.argv[0]).toBe("/usr/bin/qemu-system-aarch64");
    expect([...readFileSync(stream).subarray(0, 8)]).toEqual([0x51, 0x45, 0x56, 0x4d, 0x00, 0x00, 0x00, 0x03]);
    const r = await loadStream({ binary, args: ARGS, file: stream });
    expect(r.reason ?? "", r.stderr).toBe("");
  });
});
