/**
 * `vmstate-inspect verify`: every real sample verifies clean; damaged copies get specific
 * problems with offsets, and the check goes on after the first one.
 */
import { describe, expect, it } from "vitest";
import { inspectMain } from "@vmstate/cli";
import { encodeVmdescFrame, locateVmdesc, StreamDecoder } from "@vmstate/stream";
import { parseVmdesc, serializeVmdescBytes } from "@vmstate/vmsd";
import { runMain } from "./support/cli.js";
import { randomChunks, readSample, sampleFiles } from "./support/samples.js";

interface Report {
  ok: boolean;
  problems: { offset: number; path: string; code: string; message: string }[];
  ram: { name: string; size: number; pages: { zero: number; normal: number; compressed: number; xbzrle: number; absent: number | null } }[];
}

async function verify(bytes: Uint8Array, chunks?: Uint8Array[]): Promise<{ code: number; report: Report; stderr: string }> {
  const r = await runMain(inspectMain, ["verify", "--json", "-"], { stdin: chunks ?? [bytes] });
  return { code: r.code, report: JSON.parse(r.printed) as Report, stderr: r.stderr };
}

const A57 = readSample("aarch64-virt-7.2-a57.mig");
const latin1 = (b: Uint8Array) => Buffer.from(b).toString("latin1");

/** A copy with `from` replaced by `to` (same length) where it first occurs. */
function replaced(bytes: Uint8Array, from: string, to: string): Uint8Array {
  const at = latin1(bytes).indexOf(from);
  if (at < 0 || from.length !== to.length) throw new Error(`cannot replace ${from}`);
  const out = bytes.slice();
  out.set(Buffer.from(to, "latin1"), at);
  return out;
}

/** A copy whose vmdesc JSON was edited (the length word follows the new JSON). */
function withVmdesc(bytes: Uint8Array, edit: (doc: ReturnType<typeof parseVmdesc>) => void): Uint8Array {
  const frame = locateVmdesc(bytes)!;
  const doc = parseVmdesc(frame.json);
  edit(doc);
  return Buffer.concat([bytes.subarray(0, frame.vmdesc), encodeVmdescFrame(serializeVmdescBytes(doc))]);
}

describe.each(sampleFiles())("verify %s", (name) => {
  it("finds no problem (exit 0)", async () => {
    const bytes = readSample(name);
    const { code, report } = await verify(bytes, randomChunks(bytes, 5));
    const { ram, ...rest } = report;
    expect(rest).toEqual({ schemaVersion: 1, ok: true, problems: [] });
    expect(code).toBe(0);
    // Its page counts are summary's; absent pages are whole pages of the block no record sent.
    const summary = JSON.parse((await runMain(inspectMain, ["summary", "--json", "-"], { stdin: [bytes] })).printed) as { pageSize: number; ram: Report["ram"] };
    expect(ram.map(({ pages: { absent: _, ...sent }, ...b }) => ({ ...b, pages: sent }))).toEqual(summary.ram);
    for (const b of ram) {
      const sent = b.pages.zero + b.pages.normal + b.pages.compressed + b.pages.xbzrle;
      expect(b.pages.absent).toBeGreaterThanOrEqual(Math.max(0, b.size / summary.pageSize - sent));
      expect(b.pages.absent).toBeLessThanOrEqual(b.size / summary.pageSize);
    }
  });
});

describe("verify on damaged copies", () => {
  it("reports an array length edited in the vmdesc where the array is, with the count the stream holds", async () => {
    const { code, report, stderr } = await verify(replaced(A57, '"cpreg_vmstate_indexes", "array_len": 258', '"cpreg_vmstate_indexes", "array_len": 257'));
    expect(code).toBe(1);
    expect(stderr).toMatch(/problems? found/);
    const p = report.problems.find((x) => x.code === "ARRAY_LEN")!;
    expect(p.path).toBe("cpu (0) / cpreg_vmstate_indexes");
    expect(p.message).toBe("cpreg_vmstate_array_len is 258 but the vmdesc describes 257 elements of cpreg_vmstate_indexes");
    expect(A57[p.offset - 4]).toBe(0); // just after the be32 count 258 (0x00000102)
    expect([A57[p.offset - 2], A57[p.offset - 1]]).toEqual([0x01, 0x02]);
  });

  it("goes on after a problem: RAM, two device sections and the trailer in one run", async () => {
    let bytes = replaced(A57, '"cpreg_vmstate_indexes", "array_len": 258', '"cpreg_vmstate_indexes", "array_len": 257');
    bytes = replaced(bytes, '"irq_state", "array_len": 1020', '"irq_state", "array_len": 1019');
    // A ZERO record's fill byte set to 1 (QEMU >= 8.2 refuses it; the decoder does not care).
    let zeroFill = -1;
    for await (const r of new StreamDecoder([bytes]).records()) {
      if (r.kind === "ram" && r.type === "zero") {
        zeroFill = r.end - 1;
        break;
      }
    }
    bytes[zeroFill] = 1;
    bytes = Buffer.concat([bytes, Buffer.from("junk")]);
    const { report } = await verify(bytes);
    expect(report.problems.map((p) => p.code)).toEqual(["ZERO_FILL", "ARRAY_LEN", "MALFORMED", "SIZE_MISMATCH", "TRAILING_BYTES"]);
    expect(report.problems[0]!.offset).toBe(zeroFill);
    expect(report.problems.find((p) => p.code === "SIZE_MISMATCH")!.path).toBe("arm_gic (0)");
    expect(report.problems.at(-1)!.offset).toBe(A57.length);
    const offsets = report.problems.map((p) => p.offset);
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
  });

  it("reports truncation at the cut, wherever it is", async () => {
    const gic = latin1(A57).indexOf("arm_gic");
    for (const cut of [100_000, gic + 500, A57.length - 5000, A57.length - 1]) {
      const { code, report } = await verify(A57.subarray(0, cut));
      expect(code, `cut at ${cut}`).toBe(1);
      expect(report.problems.map((p) => p.code), `cut at ${cut}`).toEqual(["TRUNCATED"]);
      expect(report.problems[0]!.offset, `cut at ${cut}`).toBeLessThanOrEqual(cut);
      expect(report.problems[0]!.offset, `cut at ${cut}`).toBeGreaterThan(cut - 16);
    }
  });

  it("reports bytes appended after the vmdesc, and after a stream without one", async () => {
    const junk = Buffer.from("\n# appended by mistake\n");
    const a = await verify(Buffer.concat([A57, junk]));
    expect(a.report.problems).toEqual([{ offset: A57.length, path: "vmdesc", code: "TRAILING_BYTES", message: `${junk.length} bytes after the end of the vmdesc` }]);
    const bare = readSample("aarch64-virt-no-vmdesc.mig");
    const b = await verify(Buffer.concat([bare, junk]));
    expect(b.report.problems.map((p) => [p.code, p.offset])).toEqual([["TRAILING_BYTES", bare.length]]);
  });

  it("compares the vmdesc's device list with the stream's FULL sections", async () => {
    const extra = await verify(withVmdesc(A57, (doc) => doc.devices.push({ ...doc.devices[0]!, instance_id: 7 })));
    expect(extra.report.problems.map((p) => [p.code, p.message])).toEqual([["MISSING_SECTION", "the vmdesc describes 'timer' instance 7, the stream has no such section"]]);
    const missing = await verify(withVmdesc(A57, (doc) => void doc.devices.splice(1, 1)));
    expect(missing.report.problems.map((p) => [p.code, p.path])).toEqual([["UNDESCRIBED_SECTION", "pflash_cfi01 (0)"]]);
  });

  it("reports a footer that names another section, and the wrong field size", async () => {
    const sizes = await verify(replaced(A57, '"name": "halted", "type": "uint32", "size": 4', '"name": "halted", "type": "uint64", "size": 4'));
    expect(sizes.report.problems.map((p) => [p.code, p.path])).toEqual([["TYPE_SIZE", "cpu_common (0) / halted"]]);
    let footer = -1;
    for await (const r of new StreamDecoder([A57]).records()) if (r.kind === "footer" && footer < 0 && r.sectionId !== 2) footer = r.start;
    const bad = A57.slice();
    bad[footer + 4] = bad[footer + 4]! ^ 0x40;
    const { report } = await verify(bad);
    expect(report.problems.map((p) => [p.code, p.offset])).toEqual([["BAD_FOOTER", footer]]);
  });
});
