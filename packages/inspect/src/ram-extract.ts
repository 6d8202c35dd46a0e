/**
 * Rebuilds guest RAM from a stream's RAM records, block by block: what `extract-ram` writes.
 *
 * Why it is more than "write each PAGE at its offset": pages are sent several times in a live
 * migration and the last send wins; ZERO records may carry a non-zero fill byte (QEMU ≤ 8.1
 * loaders honour it, wire-format.md §9.2); COMPRESS_PAGE records hold a zlib stream that must
 * inflate to exactly one page (§9.7); XBZRLE records hold only a delta against the page as the
 * destination has it (§9.6), so the current content is read back from the output first.
 *
 * The output stays sparse: a page whose content is all zeros is not written unless earlier data
 * sit there (then zeros must overwrite them). Whether a page holds data is kept in one bit per
 * page. Where the stream does not state the page size (no configuration section) the decoder
 * learns it from the first PAGE record; ZERO records that need the size before then are held
 * back (a zero page over a block with nothing written yet needs nothing, which is the usual
 * case, so the list stays short).
 */
import { inflateSync } from "node:zlib";
import { MalformedError, UnsupportedError, VmstateError, printable } from "@vmstate/wire";
import type { MappedRamPageSink, RamRecord } from "@vmstate/stream";
import { applyXbzrle, XbzrleError, xbzrleStreamError } from "./xbzrle.js";

/** Where pages go: a directory of files in the CLI, memory in tests. */
export interface PageTarget {
  /** A block was announced with its used length (again, if the block list is repeated). */
  open(block: string, length: number): void;
  write(block: string, offset: number, data: Uint8Array): void;
  /** The current content (zeros where nothing was written). */
  read(block: string, offset: number, length: number): Uint8Array;
}

/** Per-block counts of the records applied. */
export interface ExtractedBlock {
  name: string;
  length: number;
  pages: { normal: number; zero: number; compressed: number; xbzrle: number };
}

interface BlockState extends ExtractedBlock {
  /** One bit per page: the page holds data in the output. Allocated once the page size is known. */
  written: Uint8Array | undefined;
  anyWritten: boolean;
}

export interface RamExtractOptions {
  /** Extract only this block (idstr as in the stream). */
  block?: string;
}

export class RamExtractor {
  private readonly blocks = new Map<string, BlockState>();
  private pageSize: number | undefined;
  private zeroPage = new Uint8Array(0);
  private held: RamRecord[] = [];

  constructor(
    private readonly target: PageTarget,
    private readonly options: RamExtractOptions = {},
  ) {}

  /** Tells the page size as soon as it is known (configuration, inference, or the vmdesc). */
  setPageSize(size: number | undefined): void {
    if (size === undefined || this.pageSize !== undefined) return;
    this.pageSize = size;
    this.zeroPage = new Uint8Array(size);
    for (const b of this.blocks.values()) b.written = new Uint8Array(Math.ceil(b.length / size / 8));
    const held = this.held;
    this.held = [];
    for (const rec of held) this.add(rec);
  }

  /** Applies one RAM record (other record types are ignored by the caller). */
  add(rec: RamRecord): void {
    if (rec.type === "mem_size") return this.announce(rec);
    if (rec.type !== "zero" && rec.type !== "page" && rec.type !== "compressed" && rec.type !== "xbzrle") return;
    const block = this.blocks.get(rec.block);
    if (block === undefined) return; // not selected, or not announced (the decoder checks that)
    const path = `ram / ${printable(rec.block)} @ 0x${rec.offset.toString(16)}`;
    if (this.pageSize === undefined) {
      if (rec.type === "zero" && rec.fill === 0 && !block.anyWritten) block.pages.zero++;
      else if (rec.type === "zero") this.held.push({ ...rec, bytes: new Uint8Array(0) });
      else throw new UnsupportedError("the page size is not known yet (no configuration section, no PAGE record before this one)", { offset: rec.start, path });
      return;
    }
    const size = this.pageSize;
    switch (rec.type) {
      case "zero":
        block.pages.zero++;
        if (rec.fill === 0) this.store(block, rec.offset, this.zeroPage);
        else this.store(block, rec.offset, new Uint8Array(size).fill(rec.fill ?? 0));
        break;
      case "page":
        block.pages.normal++;
        this.store(block, rec.offset, rec.payload!);
        break;
      case "compressed":
        block.pages.compressed++;
        this.store(block, rec.offset, inflatePage(rec, size, path));
        break;
      case "xbzrle": {
        block.pages.xbzrle++;
        const page = this.target.read(rec.block, rec.offset, size);
        try {
          applyXbzrle(rec.payload!, page);
        } catch (e) {
          if (e instanceof XbzrleError) throw xbzrleStreamError(e, rec.end - rec.payload!.length, path);
          throw e;
        }
        this.store(block, rec.offset, page);
        break;
      }
    }
  }

  /**
   * Receives a mapped-ram stream's pages (the decoder's `mappedRamPages`), which travel in
   * each block's page area rather than as records; the page size is the one its header gave.
   */
  readonly mappedRam: MappedRamPageSink = {
    block: (name, length) => {
      if (this.options.block === undefined || name === this.options.block) this.announceBlock(name, length);
    },
    page: (name, offset, page) => {
      const block = this.blocks.get(name);
      if (block === undefined) return; // not selected
      this.setPageSize(page.length);
      block.pages.normal++;
      this.store(block, offset, page);
    },
  };

  private announce(rec: RamRecord): void {
    const list = rec.blocks ?? [];
    const want = this.options.block;
    if (want !== undefined && !list.some((b) => b.idstr === want)) {
      throw new VmstateError("NOT_APPLICABLE", `no RAM block named '${printable(want)}'; the stream has: ${list.map((b) => printable(b.idstr)).join(", ")}`, { offset: rec.start });
    }
    for (const b of list) if (want === undefined || b.idstr === want) this.announceBlock(b.idstr, Number(b.usedLength));
  }

  private announceBlock(name: string, length: number): void {
    const known = this.blocks.get(name);
    this.target.open(name, length);
    if (known) {
      known.length = length;
      return;
    }
    const written = this.pageSize === undefined ? undefined : new Uint8Array(Math.ceil(length / this.pageSize / 8));
    this.blocks.set(name, { name, length, pages: { normal: 0, zero: 0, compressed: 0, xbzrle: 0 }, written, anyWritten: false });
  }

  /** Writes a page unless it is zeros over zeros; keeps the written-page bit current. */
  private store(block: BlockState, offset: number, page: Uint8Array): void {
    const index = offset / this.pageSize!;
    const byte = index >>> 3;
    const bit = 1 << (index & 7);
    const written = block.written!;
    const had = (written[byte]! & bit) !== 0;
    if (isZero(page, this.zeroPage)) {
      if (!had) return;
      written[byte] = written[byte]! & ~bit;
    } else {
      written[byte] = written[byte]! | bit;
      block.anyWritten = true;
    }
    this.target.write(block.name, offset, page);
  }

  /**
   * Ends the extraction. ZERO records still held back (page size never learnt) are applied
   * with `fallbackPageSize` (the vmdesc's `page_size`).
   * @throws UnsupportedError when some are left and no page size is known.
   */
  finish(fallbackPageSize?: number): ExtractedBlock[] {
    if (this.held.length > 0) this.setPageSize(fallbackPageSize);
    const first = this.held[0];
    if (first !== undefined) {
      throw new UnsupportedError("the target page size is never stated: cannot place ZERO pages with a non-zero fill", { offset: first.start });
    }
    return this.counts();
  }

  /** What was applied so far, per block (also after a failure). */
  counts(): ExtractedBlock[] {
    return [...this.blocks.values()].map(({ name, length, pages }) => ({ name, length, pages: { ...pages } }));
  }
}

/** Inflates a COMPRESS_PAGE payload, which must give exactly one page. */
export function inflatePage(rec: RamRecord, pageSize: number, path: string): Uint8Array {
  const at = rec.end - rec.payload!.length;
  let page: Uint8Array;
  try {
    page = inflateSync(rec.payload!, { maxOutputLength: pageSize + 1 });
  } catch (e) {
    // zlib stops at maxOutputLength with a RangeError (ERR_BUFFER_TOO_LARGE).
    const why = e instanceof RangeError ? "inflates to more than one page" : `is not a zlib stream (${(e as Error).message})`;
    throw new MalformedError("MALFORMED", `compressed page ${why}`, { offset: at, path });
  }
  if (page.length !== pageSize) {
    throw new MalformedError("MALFORMED", `compressed page inflates to ${page.length} bytes, not one ${pageSize}-byte page`, { offset: at, path });
  }
  return page;
}

function isZero(page: Uint8Array, zero: Uint8Array): boolean {
  if (page.length !== zero.length) return page.every((b) => b === 0);
  return Buffer.from(page.buffer, page.byteOffset, page.length).equals(zero);
}
