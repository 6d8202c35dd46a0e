import { ByteWriter, MalformedError, UnsupportedError, LimitError, TruncatedError, type ByteSource } from "@vmstate/wire";
import { RAM_FLAG_MASK, RAM_SAVE_FLAG as F, ENCODING_FLAG_XBZRLE, compressBound } from "./constants.js";
import { readName, writeCountedString } from "./counted-string.js";
import type { RamBlockEntry, RamRecord, RamRecordType } from "./records.js";

/** What the RAM grammar needs to remember across records and sections. */
export interface RamState {
  /** Target page size; undefined until known (configuration) or inferred (first PAGE). */
  pageSize: number | undefined;
  pageSizeSource: "configuration" | "inferred" | "option" | undefined;
  /** With x-ignore-shared each block entry carries its guest address (ram.c: ram_save_setup). */
  ignoreShared: boolean;
  /** mapped-ram streams interleave page areas with the block list: refused (§9.9). */
  mappedRam: boolean;
  /** Blocks announced by MEM_SIZE, name → used length. */
  blocks: Map<string, bigint>;
  /**
   * The block of the previous named record. QEMU keeps it for the whole stream, not per
   * section: a PART may begin with CONTINUE (ram.c: save_page_header).
   */
  lastBlock: string | undefined;
  /** Page counts by block, kept only when asked for (a summary that needs no records). */
  tally: Map<string, PageTally> | undefined;
}

/** How many pages of one block travelled in each form. */
export interface PageTally {
  zero: number;
  normal: number;
  compressed: number;
  xbzrle: number;
}

const TALLY_KEY: Partial<Record<RamRecordType, keyof PageTally>> = { zero: "zero", page: "normal", compressed: "compressed", xbzrle: "xbzrle" };

export function newRamState(): RamState {
  return { pageSize: undefined, pageSizeSource: undefined, ignoreShared: false, mappedRam: false, blocks: new Map(), lastBlock: undefined, tally: undefined };
}

/** More blocks than any real machine has; a bigger list means a damaged total. */
const MAX_BLOCKS = 4096;
/** 256 TiB: beyond any RAM block, and well inside exact float arithmetic on offsets. */
const MAX_BLOCK_BYTES = 2n ** 48n;
const PAGE_SIZE_CANDIDATES = [4096, 1024, 16384, 65536, 8192, 2048];

/**
 * Reads one RAM record (migration/ram.c: save_page_header and the ram_load_precopy switch).
 * The grammar is the one QEMU's loader accepts; its error cases get QEMU's reasons.
 * Most records are read by {@link readRamRecordBuffered} without awaiting anything; this
 * wrapper only waits for input, reads the block list, and infers an unknown page size.
 */
export async function readRamRecord(src: ByteSource, state: RamState, sectionId: number, path: string): Promise<RamRecord> {
  for (;;) {
    const r = readRamRecordBuffered(src, state, sectionId, path);
    if (typeof r === "object") return r;
    if (r === SLOW_PATH) return readSlowRecord(src, state, sectionId, path);
    await src.need(r, "a RAM record");
  }
}

/** Returned by the buffered reader for the records it leaves to the async path. */
const SLOW_PATH = -1;
/** Returned instead of a record when none is wanted (`build` false): checked and consumed. */
export const RAM_CHECKED = -2;
export const RAM_CHECKED_EOS = -3;

/**
 * The hot path: parses the record at the read position from the bytes already buffered
 * contiguously, and consumes it only when it is complete. Returns the record, the number of
 * contiguous bytes it needs (then nothing was consumed), or SLOW_PATH for MEM_SIZE and for a
 * page whose size must still be inferred. With `build` false (nobody wants the record: a
 * rewrite passing RAM through) it allocates nothing and returns RAM_CHECKED(_EOS).
 */
export function readRamRecordBuffered(src: ByteSource, state: RamState, sectionId: number, path: string, build = true): RamRecord | number {
  const have = src.contiguous();
  if (have < 8) return 8;
  const hi = src.peekBe32(0);
  const lo = src.peekBe32(4);
  const flags = lo & RAM_FLAG_MASK;
  const continued = (flags & F.CONTINUE) !== 0;
  const kind = flags & ~F.CONTINUE;
  if (state.pageSize !== undefined && (lo & (state.pageSize - 1) & ~RAM_FLAG_MASK) !== 0) {
    // QEMU takes everything below the page size as flags (ram.c: ram_load_precopy).
    throw new MalformedError("MALFORMED", `unknown combination of RAM flags 0x${(lo & (state.pageSize - 1)).toString(16)}`, { offset: src.offset, path });
  }
  let type: RamRecordType;
  let headerLen = 8;
  let payloadLen = 0;
  switch (kind) {
    case F.EOS:
      type = "eos";
      break;
    case F.MULTIFD_FLUSH:
      type = "multifd_flush";
      break;
    case F.MEM_SIZE:
      return SLOW_PATH;
    case F.ZERO:
    case F.PAGE:
    case F.XBZRLE:
    case F.COMPRESS_PAGE: {
      if (!continued) {
        if (have < 9) return 9;
        headerLen += 1 + src.peekU8(8);
      }
      if (kind === F.ZERO) {
        type = "zero";
        payloadLen = 1;
      } else if (kind === F.PAGE) {
        if (state.pageSize === undefined) return SLOW_PATH;
        type = "page";
        payloadLen = state.pageSize;
      } else if (kind === F.XBZRLE) {
        type = "xbzrle";
        if (have < headerLen + 3) return headerLen + 3;
        checkXbzrleHeader(src, headerLen, state, path);
        headerLen += 3;
        payloadLen = (src.peekU8(headerLen - 2) << 8) | src.peekU8(headerLen - 1);
      } else {
        type = "compressed";
        if (have < headerLen + 4) return headerLen + 4;
        const len = src.peekBe32(headerLen);
        const max = compressBound(state.pageSize ?? 65536);
        if (len > max) throw new MalformedError("MALFORMED", `compressed page length ${len} exceeds ${max}`, { offset: src.offset + headerLen, path });
        headerLen += 4;
        payloadLen = len;
      }
      break;
    }
    case F.HOOK:
      throw new UnsupportedError("RAM_SAVE_FLAG_HOOK: RDMA streams are not supported", { offset: src.offset, path });
    default:
      throw new MalformedError("MALFORMED", `unknown combination of RAM flags 0x${flags.toString(16)}`, { offset: src.offset, path });
  }
  const total = headerLen + payloadLen;
  if (have < total) return total;
  const start = src.offset;
  const offset = hi * 0x1_0000_0000 + ((lo & ~RAM_FLAG_MASK) >>> 0);
  const block = kind === F.EOS || kind === F.MULTIFD_FLUSH ? "" : resolveBlock(src, state, continued, offset, path);
  const tallyKey = TALLY_KEY[type];
  if (state.tally && tallyKey) countPage(state.tally, block, tallyKey);
  if (!build) {
    src.skip(total);
    return kind === F.EOS ? RAM_CHECKED_EOS : RAM_CHECKED;
  }
  const bytes = src.bytes(total);
  const rec: RamRecord = { kind: "ram", sectionId, type, offset, flags, block, continued, start, end: start + total, bytes };
  if (type === "zero") rec.fill = bytes[headerLen]!;
  else if (payloadLen > 0) rec.payload = bytes.subarray(headerLen);
  return rec;
}

function countPage(tally: Map<string, PageTally>, block: string, key: keyof PageTally): void {
  let t = tally.get(block);
  if (!t) tally.set(block, (t = { zero: 0, normal: 0, compressed: 0, xbzrle: 0 }));
  t[key]++;
}

function checkXbzrleHeader(src: ByteSource, at: number, state: RamState, path: string): void {
  const enc = src.peekU8(at);
  if (enc !== ENCODING_FLAG_XBZRLE) {
    throw new MalformedError("MALFORMED", `XBZRLE page with encoding ${enc}, expected 1`, { offset: src.offset + at, path });
  }
  const len = (src.peekU8(at + 1) << 8) | src.peekU8(at + 2);
  const max = state.pageSize ?? 65536;
  if (len > max) throw new MalformedError("MALFORMED", `XBZRLE length ${len} exceeds the page size ${max}`, { offset: src.offset + at + 1, path });
}

/**
 * The block a record refers to: named after the record word unless CONTINUE is set, when it
 * is the last one named (reads the name without consuming it; the caller consumes the record).
 */
function resolveBlock(src: ByteSource, state: RamState, continued: boolean, offset: number, path: string): string {
  let name: string;
  if (continued) {
    if (state.lastBlock === undefined) {
      throw new MalformedError("MALFORMED", "RAM record continues a block but no block was named before", { offset: src.offset, path });
    }
    name = state.lastBlock;
  } else {
    const len = src.peekU8(8);
    if (len === 0) throw new MalformedError("MALFORMED", "empty RAM block name", { offset: src.offset + 8, path });
    name = "";
    for (let i = 0; i < len; i++) name += String.fromCharCode(src.peekU8(9 + i));
    if (state.blocks.size > 0 && !state.blocks.has(name)) {
      throw new MalformedError("MALFORMED", `RAM block '${name}' was not announced in the block list`, { offset: src.offset + 8, path });
    }
    state.lastBlock = name;
  }
  const used = state.blocks.get(name);
  if (used !== undefined && offset >= Number(used)) {
    throw new MalformedError("MALFORMED", `RAM offset 0x${offset.toString(16)} is outside block '${name}' (0x${used.toString(16)} bytes)`, { offset: src.offset, path });
  }
  return name;
}

/** MEM_SIZE, and the first PAGE of a stream whose page size must be inferred. */
async function readSlowRecord(src: ByteSource, state: RamState, sectionId: number, path: string): Promise<RamRecord> {
  const flags = src.peekBe32(4) & RAM_FLAG_MASK;
  if ((flags & ~F.CONTINUE) === F.PAGE) {
    const headerLen = (flags & F.CONTINUE) !== 0 ? 8 : 9 + src.peekU8(8);
    await src.need(headerLen, "a RAM record");
    await inferPageSize(src, state, headerLen);
    return readRamRecord(src, state, sectionId, path);
  }
  const start = src.offset;
  src.mark();
  const hi = src.be32();
  const lo = src.be32();
  const total = hi * 0x1_0000_0000 + ((lo & ~RAM_FLAG_MASK) >>> 0);
  const blocks = await readBlockList(src, state, total, path);
  const bytes = src.sliceFromMark();
  return { kind: "ram", sectionId, type: "mem_size", offset: total, flags, block: "", continued: false, start, end: src.offset, bytes, blocks };
}

async function readBlockList(src: ByteSource, state: RamState, total: number, path: string): Promise<RamBlockEntry[]> {
  const entries: RamBlockEntry[] = [];
  let sum = 0n;
  const target = BigInt(total);
  while (sum < target) {
    if (entries.length >= MAX_BLOCKS) throw new LimitError(`more than ${MAX_BLOCKS} RAM blocks`, { offset: src.offset, path });
    const idstr = await readName(src, "a RAM block name");
    await src.need(8, "a RAM block length");
    const at = src.offset;
    const usedLength = src.be64();
    if (usedLength > MAX_BLOCK_BYTES) {
      throw new LimitError(`RAM block '${idstr}' claims 0x${usedLength.toString(16)} bytes, more than any real block`, { offset: at, path });
    }
    sum += usedLength;
    if (sum > target) {
      throw new MalformedError("MALFORMED", `RAM block '${idstr}' makes the block list longer than its total 0x${total.toString(16)}`, { offset: at, path });
    }
    const entry: RamBlockEntry = { idstr, usedLength };
    if (state.ignoreShared) {
      await src.need(8, "a RAM block address");
      entry.addr = src.be64();
    }
    if (state.mappedRam) {
      // The block's bitmap and page area follow its header in the file (wire-format.md §9.9):
      // reading them needs seeking, which a pipe cannot do.
      throw new UnsupportedError("mapped-ram streams (migrate file: with the mapped-ram capability) are not supported", { offset: at, path });
    }
    state.blocks.set(idstr, usedLength);
    entries.push(entry);
  }
  return entries;
}

/**
 * Without a target-page-bits subsection the page size is the target's legacy value, which
 * the stream does not name. Take the candidate after which a valid RAM record word follows
 * (or the input ends exactly: the next read then reports the truncation where it is).
 */
async function inferPageSize(src: ByteSource, state: RamState, at: number): Promise<number> {
  let inputEnded = false;
  for (const size of PAGE_SIZE_CANDIDATES) {
    try {
      await src.need(at + size, "a RAM page");
    } catch (e) {
      if (!(e instanceof TruncatedError)) throw e;
      inputEnded = true;
      continue;
    }
    if (await followedByRecordWord(src, at + size, size)) {
      state.pageSize = size;
      state.pageSizeSource = "inferred";
      return size;
    }
  }
  if (inputEnded) {
    throw new TruncatedError("input ends before the RAM page size could be told from the stream", { offset: src.offset + at });
  }
  throw new MalformedError("MALFORMED", "cannot tell the target page size: no configuration says it and no candidate fits", { offset: src.offset });
}

async function followedByRecordWord(src: ByteSource, next: number, size: number): Promise<boolean> {
  try {
    await src.need(next + 8);
  } catch (e) {
    if (e instanceof TruncatedError) return src.available === next;
    throw e;
  }
  const lo = src.peekBe32(next + 4);
  const kind = lo & RAM_FLAG_MASK & ~F.CONTINUE;
  const known = kind === F.EOS || kind === F.ZERO || kind === F.PAGE || kind === F.XBZRLE || kind === F.COMPRESS_PAGE || kind === F.MULTIFD_FLUSH;
  return known && (lo & (size - 1) & ~RAM_FLAG_MASK) === 0;
}

/** Serializes a RAM record from its fields (the inverse of readRamRecord). */
export function encodeRamRecord(rec: RamRecord): Uint8Array {
  const w = new ByteWriter(16 + (rec.payload?.length ?? 0));
  const word = BigInt(rec.offset) | BigInt(rec.flags);
  w.be64(word);
  if (rec.type === "mem_size") {
    for (const b of rec.blocks ?? []) {
      writeCountedString(w, b.idstr).be64(b.usedLength);
      if (b.addr !== undefined) w.be64(b.addr);
    }
    return w.finish();
  }
  if (rec.type === "eos" || rec.type === "multifd_flush") return w.finish();
  if (!rec.continued) writeCountedString(w, rec.block);
  if (rec.type === "zero") w.u8(rec.fill ?? 0);
  else if (rec.type === "xbzrle") w.u8(ENCODING_FLAG_XBZRLE).be16(rec.payload!.length).bytes(rec.payload!);
  else if (rec.type === "compressed") w.be32(rec.payload!.length).bytes(rec.payload!);
  else w.bytes(rec.payload!);
  return w.finish();
}
