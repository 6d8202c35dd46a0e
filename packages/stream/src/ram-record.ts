import { ByteWriter, MalformedError, UnsupportedError, LimitError, TruncatedError, type ByteSource } from "@vmstate/wire";
import { RAM_FLAG_MASK, RAM_SAVE_FLAG as F, ENCODING_FLAG_XBZRLE, MAPPED_RAM_HEADER_SIZE, compressBound } from "./constants.js";
import { readName, writeCountedString } from "./counted-string.js";
import type { RamBlockEntry, RamRecord, RamRecordType } from "./records.js";

/** What the RAM grammar needs to remember across records and sections. */
export interface RamState {
  /** Target page size; undefined until known (configuration) or inferred (first PAGE). */
  pageSize: number | undefined;
  pageSizeSource: "configuration" | "inferred" | "option" | undefined;
  /** With x-ignore-shared each block entry carries its guest address (ram.c: ram_save_setup). */
  ignoreShared: boolean;
  /** With mapped-ram each block entry carries a MappedRamHeader. */
  mappedRam: boolean;
  /** Blocks announced by MEM_SIZE, name → used length. */
  blocks: Map<string, bigint>;
  /**
   * The block of the previous named record. QEMU keeps it for the whole stream, not per
   * section: a PART may begin with CONTINUE (ram.c: save_page_header).
   */
  lastBlock: string | undefined;
}

export function newRamState(): RamState {
  return { pageSize: undefined, pageSizeSource: undefined, ignoreShared: false, mappedRam: false, blocks: new Map(), lastBlock: undefined };
}

/** More blocks than any real machine has; a bigger list means a damaged total. */
const MAX_BLOCKS = 4096;
const PAGE_SIZE_CANDIDATES = [4096, 1024, 16384, 65536, 8192, 2048];

/**
 * Reads one RAM record (migration/ram.c: save_page_header and the ram_load_precopy switch).
 * The grammar is the one QEMU's loader accepts; its error cases get QEMU's reasons.
 */
export async function readRamRecord(src: ByteSource, state: RamState, sectionId: number, path: string): Promise<RamRecord> {
  const start = src.offset;
  await src.need(8, "a RAM record");
  src.mark();
  const hi = src.be32();
  const lo = src.be32();
  const flags = lo & RAM_FLAG_MASK;
  const offset = hi * 0x1_0000_0000 + ((lo & ~RAM_FLAG_MASK) >>> 0);
  const continued = (flags & F.CONTINUE) !== 0;
  const kind = flags & ~F.CONTINUE;
  let type: RamRecordType;
  let block = "";
  let fill: number | undefined;
  let payloadStart = -1;
  let blocks: RamBlockEntry[] | undefined;

  switch (kind) {
    case F.EOS:
      type = "eos";
      break;
    case F.MULTIFD_FLUSH:
      type = "multifd_flush";
      break;
    case F.MEM_SIZE:
      type = "mem_size";
      blocks = await readBlockList(src, state, offset, path);
      break;
    case F.ZERO:
      type = "zero";
      block = await readBlock(src, state, continued, start, offset, path);
      await src.need(1, "a zero page's fill byte");
      fill = src.u8();
      break;
    case F.PAGE: {
      type = "page";
      block = await readBlock(src, state, continued, start, offset, path);
      const size = state.pageSize ?? (await inferPageSize(src, state));
      await src.need(size, "a RAM page");
      payloadStart = src.offset;
      src.skip(size);
      break;
    }
    case F.XBZRLE: {
      type = "xbzrle";
      block = await readBlock(src, state, continued, start, offset, path);
      await src.need(3, "an XBZRLE header");
      const enc = src.u8();
      if (enc !== ENCODING_FLAG_XBZRLE) {
        throw new MalformedError("MALFORMED", `XBZRLE page with encoding ${enc}, expected 1`, { offset: src.offset - 1, path });
      }
      const len = src.be16();
      const max = state.pageSize ?? 65536;
      if (len > max) throw new MalformedError("MALFORMED", `XBZRLE length ${len} exceeds the page size ${max}`, { offset: src.offset - 2, path });
      await src.need(len, "XBZRLE data");
      payloadStart = src.offset;
      src.skip(len);
      break;
    }
    case F.COMPRESS_PAGE: {
      type = "compressed";
      block = await readBlock(src, state, continued, start, offset, path);
      await src.need(4, "a compressed page length");
      const len = src.be32();
      const max = compressBound(state.pageSize ?? 65536);
      if (len > max) throw new MalformedError("MALFORMED", `compressed page length ${len} exceeds ${max}`, { offset: src.offset - 4, path });
      await src.need(len, "compressed page data");
      payloadStart = src.offset;
      src.skip(len);
      break;
    }
    case F.HOOK:
      throw new UnsupportedError("RAM_SAVE_FLAG_HOOK: RDMA streams are not supported", { offset: start, path });
    default:
      throw new MalformedError("MALFORMED", `unknown combination of RAM flags 0x${flags.toString(16)}`, { offset: start, path });
  }
  const bytes = src.sliceFromMark();
  const rec: RamRecord = { kind: "ram", sectionId, type, offset, flags, block, continued, start, end: src.offset, bytes };
  if (fill !== undefined) rec.fill = fill;
  if (payloadStart >= 0) rec.payload = bytes.subarray(payloadStart - start);
  if (blocks) rec.blocks = blocks;
  return rec;
}

async function readBlock(src: ByteSource, state: RamState, continued: boolean, start: number, offset: number, path: string): Promise<string> {
  let name: string;
  if (continued) {
    if (state.lastBlock === undefined) {
      throw new MalformedError("MALFORMED", "RAM record continues a block but no block was named before", { offset: start, path });
    }
    name = state.lastBlock;
  } else {
    const at = src.offset;
    name = await readName(src, "a RAM block name");
    if (state.blocks.size > 0 && !state.blocks.has(name)) {
      throw new MalformedError("MALFORMED", `RAM block '${name}' was not announced in the block list`, { offset: at, path });
    }
    state.lastBlock = name;
  }
  const used = state.blocks.get(name);
  if (used !== undefined && BigInt(offset) >= used) {
    throw new MalformedError("MALFORMED", `RAM offset 0x${offset.toString(16)} is outside block '${name}' (0x${used.toString(16)} bytes)`, { offset: start, path });
  }
  return name;
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
      await src.need(MAPPED_RAM_HEADER_SIZE, "a mapped-ram header");
      entry.mappedRamHeader = src.bytes(MAPPED_RAM_HEADER_SIZE).slice();
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
async function inferPageSize(src: ByteSource, state: RamState): Promise<number> {
  let inputEnded = false;
  for (const size of PAGE_SIZE_CANDIDATES) {
    try {
      await src.need(size, "a RAM page");
    } catch (e) {
      if (!(e instanceof TruncatedError)) throw e;
      inputEnded = true;
      continue;
    }
    if (await followedByRecordWord(src, size)) {
      state.pageSize = size;
      state.pageSizeSource = "inferred";
      return size;
    }
  }
  if (inputEnded) {
    throw new TruncatedError("input ends before the RAM page size could be told from the stream", { offset: src.offset + src.available });
  }
  throw new MalformedError("MALFORMED", "cannot tell the target page size: no configuration says it and no candidate fits", { offset: src.offset });
}

async function followedByRecordWord(src: ByteSource, size: number): Promise<boolean> {
  try {
    await src.need(size + 8);
  } catch (e) {
    if (e instanceof TruncatedError) return src.available === size;
    throw e;
  }
  const lo = ((src.peekU8(size + 4) << 24) >>> 0) + ((src.peekU8(size + 5) << 16) | (src.peekU8(size + 6) << 8) | src.peekU8(size + 7));
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
      if (b.mappedRamHeader) w.bytes(b.mappedRamHeader);
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
