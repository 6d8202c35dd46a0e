/**
 * RAM sanity for `verify`: what the decoder accepts (it parses the grammar and refuses names
 * and offsets QEMU's loader refuses) but a loader or a reader of the image would still trip
 * over. Checked record by record, with one bit of memory per KiB of guest RAM at most.
 *
 * - The block list: names unique, used lengths whole pages, a repeated list consistent.
 * - Every page inside its block, all of it: the decoder checks the page's start only.
 * - ZERO records with a non-zero fill byte: QEMU ≥ 8.2 refuses them ("Found a zero page
 *   with value %d", wire-format.md §9.2).
 * - COMPRESS_PAGE payloads inflate to exactly one page (§9.7).
 * - XBZRLE deltas are well formed (§9.6) and apply to a page sent earlier in the stream: QEMU
 *   sends a delta only against a page it sent before, so a delta for a page never sent means
 *   the destination would patch whatever it happened to hold.
 */
import { printable, VmstateError } from "@vmstate/wire";
import type { RamRecord } from "@vmstate/stream";
import type { ProblemList } from "./problems.js";
import { inflatePage } from "./ram-extract.js";
import { applyXbzrle, XbzrleError } from "./xbzrle.js";

/** Granularity of the "sent before" bitmap: the smallest target page QEMU has (1 KiB). */
const UNIT = 1024;

interface BlockCheck {
  length: number;
  /** One bit per KiB: a page starting there was sent. */
  sent: Uint8Array;
  /** Offset of the block list that announced it. */
  listedAt: number;
  /** Under mapped-ram: the pages its bitmap marks present (its pages come in no record). */
  mappedPresent: number | undefined;
}

export class RamChecker {
  private readonly blocks = new Map<string, BlockCheck>();
  private pageSize: number | undefined;
  private scratch = new Uint8Array(0);

  constructor(private readonly problems: ProblemList) {}

  /** The target page size, once the decoder knows it. */
  setPageSize(size: number | undefined): void {
    if (size === undefined || this.pageSize === size) return;
    this.pageSize = size;
    this.scratch = new Uint8Array(size);
    for (const [name, b] of this.blocks) this.checkLength(name, b.length, b.listedAt);
  }

  add(rec: RamRecord): void {
    if (rec.type === "mem_size") return this.blockList(rec);
    if (rec.type !== "zero" && rec.type !== "page" && rec.type !== "compressed" && rec.type !== "xbzrle") return;
    const path = `ram / ${printable(rec.block)} @ 0x${rec.offset.toString(16)}`;
    const block = this.blocks.get(rec.block);
    const size = this.pageSize;
    if (block && size !== undefined && rec.offset + size > block.length) {
      this.problems.add("RAM_PAGE", `page 0x${rec.offset.toString(16)}+0x${size.toString(16)} passes the end of block '${printable(rec.block)}' (0x${block.length.toString(16)} bytes)`, rec.start, path);
    }
    const sentBefore = block !== undefined && markSent(block.sent, Math.floor(rec.offset / UNIT));
    if (rec.type === "zero" && rec.fill !== 0) {
      this.problems.add("ZERO_FILL", `zero page with fill byte 0x${(rec.fill ?? 0).toString(16)}: QEMU 8.2 and later refuse it`, rec.end - 1, path);
    } else if (rec.type === "compressed" && size !== undefined) {
      try {
        inflatePage(rec, size, path);
      } catch (e) {
        // A page's content, like a bad XBZRLE delta: a RAM_PAGE problem, which only verify looks for.
        if (!(e instanceof VmstateError)) throw e;
        this.problems.add("RAM_PAGE", e.detail, e.offset ?? rec.start, e.path ?? path);
      }
    } else if (rec.type === "xbzrle") {
      if (!sentBefore) this.problems.add("XBZRLE_NO_BASE", "XBZRLE delta for a page not sent before in this stream", rec.start, path);
      if (size !== undefined) this.checkDelta(rec, path);
    }
  }

  private checkDelta(rec: RamRecord, path: string): void {
    this.scratch.fill(0);
    try {
      applyXbzrle(rec.payload!, this.scratch);
    } catch (e) {
      if (!(e instanceof XbzrleError)) throw e;
      this.problems.add("RAM_PAGE", `bad XBZRLE delta: ${e.detail}`, rec.end - rec.payload!.length + e.at, path);
    }
  }

  private blockList(rec: RamRecord): void {
    const seen = new Set<string>();
    for (const b of rec.blocks ?? []) {
      const length = Number(b.usedLength);
      if (seen.has(b.idstr)) this.problems.add("RAM_BLOCK_LIST", `block '${printable(b.idstr)}' is listed twice`, rec.start, "ram / block list");
      seen.add(b.idstr);
      const known = this.blocks.get(b.idstr);
      if (known !== undefined && known.length !== length) {
        this.problems.add("RAM_BLOCK_LIST", `block '${printable(b.idstr)}' was announced with 0x${known.length.toString(16)} bytes, now 0x${length.toString(16)}`, rec.start, "ram / block list");
      }
      if (known === undefined) this.blocks.set(b.idstr, { length, sent: new Uint8Array(Math.ceil(length / UNIT / 8)), listedAt: rec.start, mappedPresent: b.mappedRam?.presentPages });
      this.checkLength(b.idstr, length, rec.start);
    }
  }

  /**
   * Pages of a block that nothing sent (no record, no bit in its mapped-ram bitmap): they
   * load as zeros. Undefined while the page size or the block is unknown.
   */
  absentPages(name: string): number | undefined {
    const b = this.blocks.get(name);
    const size = this.pageSize;
    if (b === undefined || size === undefined) return undefined;
    const pages = Math.floor(b.length / size);
    if (b.mappedPresent !== undefined) return pages - b.mappedPresent;
    let absent = 0;
    for (let i = 0; i < pages; i++) {
      const unit = (i * size) / UNIT;
      if ((b.sent[unit >>> 3]! & (1 << (unit & 7))) === 0) absent++;
    }
    return absent;
  }

  private checkLength(name: string, length: number, offset: number): void {
    if (this.pageSize !== undefined && length % this.pageSize !== 0) {
      this.problems.add("RAM_BLOCK_LIST", `block '${printable(name)}' is 0x${length.toString(16)} bytes, not a whole number of ${this.pageSize}-byte pages`, offset, "ram / block list");
    }
  }
}

/** Sets the bit of `unit`; returns whether it was set before. */
function markSent(bits: Uint8Array, unit: number): boolean {
  const byte = unit >>> 3;
  if (byte >= bits.length) return false;
  const mask = 1 << (unit & 7);
  const before = (bits[byte]! & mask) !== 0;
  bits[byte] = bits[byte]! | mask;
  return before;
}
