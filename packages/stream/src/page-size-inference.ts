import { MalformedError, TruncatedError, type ByteSource } from "@vmstate/wire";
import { RAM_FLAG_MASK, RAM_SAVE_FLAG as F } from "./constants.js";
import type { RamState } from "./ram-state.js";

const PAGE_SIZE_CANDIDATES = [4096, 1024, 16384, 65536, 8192, 2048];

/**
 * Without a target-page-bits subsection the page size is the target's legacy value, which
 * the stream does not name. Take the candidate after which a valid RAM record word follows
 * (or the input ends exactly: the next read then reports the truncation where it is).
 */
export async function inferPageSize(src: ByteSource, state: RamState, at: number): Promise<number> {
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

