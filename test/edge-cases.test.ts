/**
 * Inputs a fuzzer or a careless copy can produce, each found once to end in an internal
 * error or a wrong exit code: they must fail as VmstateErrors that say where.
 */
import { describe, expect, it } from "vitest";
import { ByteWriter, LimitError, MalformedError, UnsupportedError } from "@vmstate/wire";
import { parseVmdesc } from "@vmstate/vmsd";
import { StreamDecoder } from "@vmstate/stream";
import { rewriteMain } from "@vmstate/cli";
import { decodeAll, decodeError } from "./support/decode.js";
import { readSample } from "./support/samples.js";
import { runMain } from "./support/cli.js";

describe("edge cases", () => {
  it("refuses a vmdesc number longer than any 64-bit integer", () => {
    const json = new TextEncoder().encode(`{"page_size": ${"9".repeat(300_000)}, "devices": []}`);
    expect(() => parseVmdesc(json)).toThrow(MalformedError);
    expect(() => parseVmdesc(json)).toThrow(/number too long/);
  });

  it("refuses a RAM block longer than any real one before anything is allocated", async () => {
    const bytes = readSample("aarch64-virt-7.2-a57.mig").slice();
    const memSize = (await decodeAll([bytes])).find((r) => r.kind === "ram" && r.type === "mem_size")!;
    const firstName = bytes[memSize.start + 8]!;
    const lengthAt = memSize.start + 8 + 1 + firstName;
    new DataView(bytes.buffer).setBigUint64(lengthAt, 1n << 52n);
    const err = await decodeError([bytes]);
    expect(err).toBeInstanceOf(LimitError);
    expect((err as LimitError).offset).toBe(lengthAt);
  });

  // A mapped-ram stream up to the header of its one block 'r' (one 4 KiB page): the header is
  // checked before anything it points at is read (wire-format.md §9.9).
  const mappedRamHead = () =>
    new ByteWriter()
      .be32(0x5145564d).be32(3)
      .u8(0x07).be32(4).bytes(new TextEncoder().encode("virt"))
      .u8(0x05).u8(26).bytes(new TextEncoder().encode("configuration/capabilities")).be32(1)
      .be32(1).u8(10).bytes(new TextEncoder().encode("mapped-ram"))
      .u8(0x01).be32(1).u8(3).bytes(new TextEncoder().encode("ram")).be32(0).be32(4)
      .be64(0x1000n | 0x04n).u8(1).bytes(new TextEncoder().encode("r")).be64(0x1000n);

  it("refuses a mapped-ram header version it does not know, at the header's offset", async () => {
    const head = mappedRamHead();
    const at = head.finish().length;
    const bytes = mappedRamHead().be32(2).be64(0x1000n).be64(BigInt(at + 28)).be64(0x100000n).finish();
    const err = await decodeError([bytes]);
    expect(err).toBeInstanceOf(UnsupportedError);
    expect((err as UnsupportedError).offset).toBe(at);
    expect((err as Error).message).toContain("mapped-ram header of RAM block 'r' has version 2");
  });

  it("refuses a mapped-ram bitmap that is not right after its header", async () => {
    const at = mappedRamHead().finish().length;
    const bytes = mappedRamHead().be32(1).be64(0x1000n).be64(BigInt(at + 36)).be64(0x100000n).finish();
    const err = await decodeError([bytes]);
    expect(err).toBeInstanceOf(MalformedError);
    expect((err as MalformedError).offset).toBe(at);
    expect((err as Error).message).toMatch(/mapped-ram bitmap of RAM block 'r' is at 0x[0-9a-f]+, not right after its header/);
  });

  it("says --hide does not apply to an x86 stream without a vmdesc (exit 4)", async () => {
    const x86 = readSample("x86_64-pc-seabios.mig");
    const eof = (await decodeAll([x86])).find((r) => r.kind === "eof")!;
    const r = await runMain(rewriteMain, ["--hide", "VENDOR_HYP_BMAP_2"], { stdin: [x86.subarray(0, eof.end)] });
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toContain("no Arm cpu section with a register list");
  });

  it("blames the first device section when no RAM section told the footer mode and its walk ends off its footer", async () => {
    // A stream whose first element after the configuration is a FULL section: nothing before
    // it showed whether footers are on. The vmdesc makes the walk of 'timer' end one byte short.
    const sample = readSample("aarch64-virt-7.2-a57.mig");
    const records = await decodeAll([sample]);
    const config = records.find((r) => r.kind === "configuration")!;
    const firstFull = records.find((r) => r.kind === "section" && r.type === "full")!;
    const noRam = Buffer.concat([sample.subarray(0, config.end), sample.subarray(firstFull.start)]);
    expect((await decodeAll([noRam])).some((r) => r.kind === "ram")).toBe(false);
    const field = '{"name": "cpu_ticks_offset", "type": "int64", "size": 8}';
    const at = Buffer.from(noRam).indexOf(field, 0, "latin1");
    const damaged = Buffer.from(noRam);
    damaged.write(field.replace('"size": 8', '"size": 7'), at, "latin1");
    const err = await decodeError([damaged]);
    expect(err).toBeInstanceOf(MalformedError);
    expect((err as MalformedError).path).toBe("timer (0)");
    expect((err as MalformedError).offset).toBe(config.end + (firstFull.end - firstFull.start) + 24 - 1);
  });

  it("stops at a bad RAM record also when it checks RAM without handing out records", async () => {
    // A rewrite checks a whole chunk of RAM records in one loop; a bad one in the middle must
    // leave the reader (and what a damaged stream's summary says was decoded) at that record.
    const bytes = readSample("aarch64-virt-max-1cpu.mig").slice();
    const page = (await decodeAll([bytes])).filter((r) => r.kind === "ram" && r.type === "page")[4]!;
    bytes[page.start + 6] = bytes[page.start + 6]! & ~0x03;
    bytes[page.start + 7] = 0x80; // RAM_SAVE_FLAG_HOOK
    for (const ramRecords of [true, false]) {
      const decoder = new StreamDecoder([bytes], { ramRecords });
      const err = await (async () => {
        try {
          for await (const _ of decoder.records()) {
            // only where it stops matters
          }
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(UnsupportedError);
      expect((err as UnsupportedError).offset).toBe(page.start);
      expect(decoder.offset).toBe(page.start);
    }
  });
});

