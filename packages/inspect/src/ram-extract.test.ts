import { deflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { RamRecord, RamRecordType } from "@vmstate/stream";
import { VmstateError } from "@vmstate/wire";
import { RamExtractor, type PageTarget } from "./ram-extract.js";
import { safeBlockFileName, BlockFileNames } from "./ram-files.js";
import { encodeXbzrle } from "./xbzrle.js";

const PAGE = 4096;

/** Memory-backed target that also logs every write, to check sparseness. */
class MemoryTarget implements PageTarget {
  readonly blocks = new Map<string, Uint8Array>();
  readonly writes: { block: string; offset: number; zero: boolean }[] = [];
  open(block: string, length: number): void {
    if (!this.blocks.has(block)) this.blocks.set(block, new Uint8Array(length));
  }
  write(block: string, offset: number, data: Uint8Array): void {
    this.blocks.get(block)!.set(data, offset);
    this.writes.push({ block, offset, zero: data.every((b) => b === 0) });
  }
  read(block: string, offset: number, length: number): Uint8Array {
    return this.blocks.get(block)!.slice(offset, offset + length);
  }
}

let at = 0;
function rec(type: RamRecordType, offset: number, extra: Partial<RamRecord> = {}): RamRecord {
  at += 16;
  const payload = extra.payload;
  return { kind: "ram", sectionId: 1, type, offset, flags: 0, block: "ram0", continued: false, start: at, end: at + 8 + (payload?.length ?? 0), bytes: new Uint8Array(0), ...extra };
}
const memSize = (blocks: [string, number][]) => rec("mem_size", 0, { blocks: blocks.map(([idstr, n]) => ({ idstr, usedLength: BigInt(n) })) });
const filled = (v: number) => new Uint8Array(PAGE).fill(v);

describe("RamExtractor", () => {
  it("applies pages in order: the last send wins, zeros overwrite data, non-zero fill is written", () => {
    const t = new MemoryTarget();
    const x = new RamExtractor(t);
    x.setPageSize(PAGE);
    x.add(memSize([["ram0", 4 * PAGE]]));
    x.add(rec("page", 0, { payload: filled(1) }));
    x.add(rec("page", 0, { payload: filled(2) }));
    x.add(rec("page", PAGE, { payload: filled(3) }));
    x.add(rec("zero", PAGE, { fill: 0 }));
    x.add(rec("zero", 2 * PAGE, { fill: 0x5a }));
    x.add(rec("zero", 3 * PAGE, { fill: 0 }));
    const ram = t.blocks.get("ram0")!;
    expect(ram.subarray(0, PAGE).every((b) => b === 2)).toBe(true);
    expect(ram.subarray(PAGE, 2 * PAGE).every((b) => b === 0)).toBe(true);
    expect(ram.subarray(2 * PAGE, 3 * PAGE).every((b) => b === 0x5a)).toBe(true);
    // Zeros were written once (over page 1's data), never over untouched pages.
    expect(t.writes.filter((w) => w.zero)).toEqual([{ block: "ram0", offset: PAGE, zero: true }]);
    expect(x.finish()[0]!.pages).toEqual({ normal: 3, zero: 3, compressed: 0, xbzrle: 0 });
  });

  it("inflates compressed pages and refuses one that is not exactly a page", () => {
    const t = new MemoryTarget();
    const x = new RamExtractor(t);
    x.setPageSize(PAGE);
    x.add(memSize([["ram0", 2 * PAGE]]));
    x.add(rec("compressed", PAGE, { payload: deflateSync(filled(7)) }));
    expect(t.blocks.get("ram0")![PAGE + 100]).toBe(7);
    expect(() => x.add(rec("compressed", 0, { payload: deflateSync(new Uint8Array(PAGE - 1)) }))).toThrow(/not one 4096-byte page/);
    expect(() => x.add(rec("compressed", 0, { payload: deflateSync(new Uint8Array(PAGE + 1)) }))).toThrow(/4097 bytes, not one/);
    expect(() => x.add(rec("compressed", 0, { payload: deflateSync(new Uint8Array(2 * PAGE)) }))).toThrow(/more than one page/);
    expect(() => x.add(rec("compressed", 0, { payload: Uint8Array.from([1, 2, 3]) }))).toThrow(/not a zlib stream/);
  });

  it("applies XBZRLE deltas to the page as written so far", () => {
    const t = new MemoryTarget();
    const x = new RamExtractor(t);
    x.setPageSize(PAGE);
    x.add(memSize([["ram0", PAGE]]));
    const v1 = filled(9);
    x.add(rec("page", 0, { payload: v1 }));
    const v2 = v1.slice();
    v2.set([1, 2, 3], 100);
    v2[4000] = 0;
    x.add(rec("xbzrle", 0, { payload: encodeXbzrle(v1, v2) }));
    expect(Buffer.compare(t.blocks.get("ram0")!, v2)).toBe(0);
    expect(() => x.add(rec("xbzrle", 0, { payload: Uint8Array.from([0, 0]) }))).toThrow(VmstateError);
  });

  it("extracts one block when asked, and refuses a name the stream lacks", () => {
    const t = new MemoryTarget();
    const x = new RamExtractor(t, { block: "b" });
    x.setPageSize(PAGE);
    x.add(memSize([["a", PAGE], ["b", PAGE]]));
    x.add(rec("page", 0, { block: "a", payload: filled(1) }));
    x.add(rec("page", 0, { block: "b", payload: filled(2) }));
    expect([...t.blocks.keys()]).toEqual(["b"]);
    expect(() => new RamExtractor(t, { block: "c" }).add(memSize([["a", PAGE]]))).toThrow(/no RAM block named 'c'; the stream has: a/);
  });

  it("holds ZERO records with a fill byte until the page size is known", () => {
    const t = new MemoryTarget();
    const x = new RamExtractor(t);
    x.add(memSize([["ram0", 2 * PAGE]]));
    x.add(rec("zero", 0, { fill: 0 }));
    x.add(rec("zero", PAGE, { fill: 1 }));
    expect(t.writes).toEqual([]);
    x.finish(PAGE);
    expect(t.blocks.get("ram0")![PAGE]).toBe(1);
    expect(t.blocks.get("ram0")![0]).toBe(0);
  });
});

describe("block file names", () => {
  it.each([
    ["/rom@etc/acpi/tables", "rom@etc_acpi_tables.bin"],
    ["mach-virt.ram", "mach-virt.ram.bin"],
    ["0000:00:02.0/vga.vram", "0000_00_02.0_vga.vram.bin"],
    ["../../etc/passwd", "etc_passwd.bin"],
    ["..", "block.bin"],
    ["a\u0000b\nc", "a_b_c.bin"],
  ])("%j becomes %s", (idstr, name) => {
    expect(safeBlockFileName(idstr)).toBe(name);
  });

  it("keeps names unique, case-insensitively, and stable per block", () => {
    const n = new BlockFileNames();
    expect(n.nameFor("a/b")).toBe("a_b.bin");
    expect(n.nameFor("a_b")).toBe("a_b-2.bin");
    expect(n.nameFor("A:B")).toBe("A_B-3.bin");
    expect(n.nameFor("a/b")).toBe("a_b.bin");
  });
});
