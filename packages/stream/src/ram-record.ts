import { ByteWriter, decodeLatin1, MalformedError, readBe32, UnsupportedError, type ByteSource, printable } from "@vmstate/wire";
import { RAM_FLAG_MASK, RAM_SAVE_FLAG as F, ENCODING_FLAG_XBZRLE, compressBound } from "./constants.js";
import { writeCountedString } from "./counted-string.js";
import type { RamRecord, RamRecordType } from "./records.js";
import { TALLY_KEY, countPages, type RamState } from "./ram-state.js";
import { readBlockList } from "./ram-block-list.js";
import { inferPageSize } from "./page-size-inference.js";

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
/** Returned instead of a record when none is wanted (`build` false) and an EOS was consumed. */
export const RAM_CHECKED_EOS = -3;

/**
 * The hot path: parses records from the bytes buffered contiguously at the read position,
 * consuming each only when it is complete. With `build` it returns the first record; with
 * `build` false (nobody wants records: a rewrite passing RAM through) it checks and consumes
 * every complete record of the current chunk in one loop, allocating nothing, and returns
 * RAM_CHECKED_EOS once an EOS is consumed. Either way it may instead return the number of
 * contiguous bytes the next record needs, or SLOW_PATH for MEM_SIZE and for a page whose
 * size must still be inferred.
 *
 * Why one loop over the chunk's bytes rather than a call per record through ByteSource: a
 * fresh process runs this before the JIT has optimized anything, and a 300 MB stream is
 * 100,000s of records; a loop inside one function is optimized within the first chunk.
 */
export function readRamRecordBuffered(src: ByteSource, state: RamState, sectionId: number, path: string, build = true): RamRecord | number {
  const c = src.chunk();
  const first = src.chunkPos();
  /** Stream offset of c[0]: a record at c[p] starts at base + p. */
  const base = src.offset - first;
  let p = first;
  try {
    for (;;) {
      const have = c.length - p;
      if (have < 8) return consumeThen(src, p - first, 8);
      const hi = readBe32(c, p);
      const lo = readBe32(c, p + 4);
      const flags = lo & RAM_FLAG_MASK;
      const continued = (flags & F.CONTINUE) !== 0;
      const kind = flags & ~F.CONTINUE;
      if (state.pageSize !== undefined && (lo & (state.pageSize - 1) & ~RAM_FLAG_MASK) !== 0) {
        // QEMU takes everything below the page size as flags (ram.c: ram_load_precopy).
        throw new MalformedError("MALFORMED", `unknown combination of RAM flags 0x${(lo & (state.pageSize - 1)).toString(16)}`, { offset: base + p, path });
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
          return consumeThen(src, p - first, SLOW_PATH);
        case F.ZERO:
        case F.PAGE:
        case F.XBZRLE:
        case F.COMPRESS_PAGE: {
          if (!continued) {
            if (have < 9) return consumeThen(src, p - first, 9);
            headerLen += 1 + c[p + 8]!;
          }
          if (kind === F.ZERO) {
            type = "zero";
            payloadLen = 1;
          } else if (kind === F.PAGE) {
            if (state.pageSize === undefined) return consumeThen(src, p - first, SLOW_PATH);
            type = "page";
            payloadLen = state.pageSize;
          } else if (kind === F.XBZRLE) {
            type = "xbzrle";
            if (have < headerLen + 3) return consumeThen(src, p - first, headerLen + 3);
            checkXbzrleHeader(c, p + headerLen, state, base + p + headerLen, path);
            headerLen += 3;
            payloadLen = (c[p + headerLen - 2]! << 8) | c[p + headerLen - 1]!;
          } else {
            type = "compressed";
            if (have < headerLen + 4) return consumeThen(src, p - first, headerLen + 4);
            const len = readBe32(c, p + headerLen);
            const max = compressBound(state.pageSize ?? 65536);
            if (len > max) throw new MalformedError("MALFORMED", `compressed page length ${len} exceeds ${max}`, { offset: base + p + headerLen, path });
            headerLen += 4;
            payloadLen = len;
          }
          break;
        }
        case F.HOOK:
          throw new UnsupportedError("RAM_SAVE_FLAG_HOOK: RDMA streams are not supported", { offset: base + p, path });
        default:
          throw new MalformedError("MALFORMED", `unknown combination of RAM flags 0x${flags.toString(16)}`, { offset: base + p, path });
      }
      const total = headerLen + payloadLen;
      if (have < total) return consumeThen(src, p - first, total);
      const offset = hi * 0x1_0000_0000 + ((lo & ~RAM_FLAG_MASK) >>> 0);
      const block = kind === F.EOS || kind === F.MULTIFD_FLUSH ? "" : resolveBlock(c, p, state, continued, offset, base + p, path);
      if (state.tally) {
        const tallyKey = TALLY_KEY[type];
        if (tallyKey) countPages(state.tally, block, tallyKey, 1);
      }
      if (build) {
        const start = src.offset;
        const bytes = src.bytes(total);
        const rec: RamRecord = { kind: "ram", sectionId, type, offset, flags, block, continued, start, end: start + total, bytes };
        if (type === "zero") rec.fill = bytes[headerLen]!;
        // Every page-carrying record has a payload, empty too (a 0-length XBZRLE delta or
        // compressed page): readers need not tell "absent" from "empty".
        else if (type !== "eos" && type !== "multifd_flush") rec.payload = bytes.subarray(headerLen);
        return rec;
      }
      p += total;
      if (kind === F.EOS) return consumeThen(src, p - first, RAM_CHECKED_EOS);
    }
  } catch (e) {
    // The records before the bad one were checked: consume them, so the reader stands at it.
    src.skip(p - first);
    throw e;
  }
}

/** Consumes the records the loop has checked, then returns `result`. */
function consumeThen(src: ByteSource, consumed: number, result: number): number {
  src.skip(consumed);
  return result;
}

/** The XBZRLE header at `c[at]` (encoding byte, be16 length); `offset` is its stream offset. */
function checkXbzrleHeader(c: Uint8Array, at: number, state: RamState, offset: number, path: string): void {
  const enc = c[at]!;
  if (enc !== ENCODING_FLAG_XBZRLE) {
    throw new MalformedError("MALFORMED", `XBZRLE page with encoding ${enc}, expected 1`, { offset, path });
  }
  const len = (c[at + 1]! << 8) | c[at + 2]!;
  const max = state.pageSize ?? 65536;
  if (len > max) throw new MalformedError("MALFORMED", `XBZRLE length ${len} exceeds the page size ${max}`, { offset: offset + 1, path });
}

/**
 * The block of the record at `c[p]` (stream offset `at`): named after the record word unless
 * CONTINUE is set, when it is the last one named.
 */
function resolveBlock(c: Uint8Array, p: number, state: RamState, continued: boolean, offset: number, at: number, path: string): string {
  let name: string;
  if (continued) {
    if (state.lastBlock === undefined) {
      throw new MalformedError("MALFORMED", "RAM record continues a block but no block was named before", { offset: at, path });
    }
    name = state.lastBlock;
  } else {
    const len = c[p + 8]!;
    if (len === 0) throw new MalformedError("MALFORMED", "empty RAM block name", { offset: at + 8, path });
    name = decodeLatin1(c.subarray(p + 9, p + 9 + len));
    if (state.blocks.size > 0 && !state.blocks.has(name)) {
      throw new MalformedError("MALFORMED", `RAM block '${printable(name)}' was not announced in the block list`, { offset: at + 8, path });
    }
    state.lastBlock = name;
    const used = state.blocks.get(name);
    state.lastBlockLength = used === undefined ? undefined : Number(used);
  }
  const length = state.lastBlockLength;
  if (length !== undefined && offset >= length) {
    throw new MalformedError("MALFORMED", `RAM offset 0x${offset.toString(16)} is outside block '${printable(name)}' (0x${length.toString(16)} bytes)`, { offset: at, path });
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
  // Under mapped-ram the record spans every block's page area (up to the whole RAM), which
  // is read through, not kept: its bytes stay empty (records.ts, RamRecord.bytes).
  if (!state.mappedRam) src.mark();
  const hi = src.be32();
  const lo = src.be32();
  const total = hi * 0x1_0000_0000 + ((lo & ~RAM_FLAG_MASK) >>> 0);
  const blocks = await readBlockList(src, state, total, path);
  const bytes = state.mappedRam ? new Uint8Array(0) : src.sliceFromMark();
  return { kind: "ram", sectionId, type: "mem_size", offset: total, flags, block: "", continued: false, start, end: src.offset, bytes, blocks };
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
