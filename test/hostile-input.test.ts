/**
 * Issue #10's findings, each as the smallest mutation of a real sample that showed it: every
 * command gives a clean, printable error or a warning, never an internal error or a silent
 * exit 0 on a stream `verify` rejects.
 */
import { describe, expect, it } from "vitest";
import { inspectMain } from "@vmstate/cli";
import type { RamRecord, StreamRecord } from "@vmstate/stream";
import { runMain } from "./support/cli.js";
import { sampleRecords } from "./support/damage.js";
import { readSample } from "./support/samples.js";

/** `bytes` with `[at, at + remove)` replaced by `insert`. */
function splice(bytes: Uint8Array, at: number, remove: number, insert: ArrayLike<number>): Uint8Array {
  return Buffer.concat([bytes.subarray(0, at), Uint8Array.from(insert), bytes.subarray(at + remove)]);
}

async function firstRam(name: string, type: RamRecord["type"]): Promise<RamRecord> {
  const rec = (await sampleRecords(name)).find((r: StreamRecord): r is RamRecord => r.kind === "ram" && r.type === type);
  if (!rec) throw new Error(`${name} has no ${type} record`);
  return rec;
}

describe("RAM records with an empty payload", () => {
  it("verify reports a compressed page of length 0 as a problem, not an internal error", async () => {
    const name = "aarch64-virt-compress.mig";
    const rec = await firstRam(name, "compressed");
    const lengthAt = rec.end - rec.payload!.length - 4;
    const r = await runMain(inspectMain, ["verify", "-"], { stdin: [splice(readSample(name), lengthAt, rec.end - lengthAt, [0, 0, 0, 0])] });
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(1);
    expect(r.printed).toMatch(/compressed page is not a zlib stream/);
  });

  it("verify accepts an XBZRLE delta of length 0 (QEMU applies it as no change)", async () => {
    const name = "aarch64-virt-xbzrle.mig";
    const rec = await firstRam(name, "xbzrle");
    const lengthAt = rec.end - rec.payload!.length - 2;
    const r = await runMain(inspectMain, ["verify", "-"], { stdin: [splice(readSample(name), lengthAt, rec.end - lengthAt, [0, 0])] });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });
});
