import { MalformedError, UnsupportedError, type ByteSource } from "@vmstate/wire";
import type { MappedRamBlock } from "./records.js";
import type { MappedRamPageSink } from "./ram-state.js";

/** The only MappedRamHeader version QEMU writes (ram.c: MAPPED_RAM_HDR_VERSION). */
const MAPPED_RAM_VERSION = 1;
/** be32 version, be64 page size, be64 bitmap offset, be64 pages offset, packed. */
const HEADER_BYTES = 28;

/**
 * One block's mapped-ram part (wire-format.md §9.9): the header right after the block's
 * MEM_SIZE entry, its bitmap, then its page area at a fixed offset. The stream resumes right
 * after the page area, so everything up to there is passed over (ByteSource.discard: left
 * unread in a file read at positions, read through in chunks from a pipe, flat memory);
 * the bitmap alone is kept, to count the pages it marks present and, for `pages`, to hand
 * over each of those pages as it passes.
 */
export async function readMappedRamBlock(src: ByteSource, idstr: string, usedLength: bigint, pageSize: number | undefined, path: string, pages?: MappedRamPageSink): Promise<MappedRamBlock> {
  await src.need(HEADER_BYTES, "a mapped-ram header");
  const at = src.offset;
  const version = src.be32();
  const headerPageSize = Number(src.be64());
  const bitmapOffset = Number(src.be64());
  const pagesOffset = Number(src.be64());
  const where = { offset: at, path };
  if (version !== MAPPED_RAM_VERSION) {
    throw new UnsupportedError(`mapped-ram header of RAM block '${idstr}' has version ${version}; only version ${MAPPED_RAM_VERSION} is known`, where);
  }
  if (pageSize !== undefined && headerPageSize !== pageSize) {
    throw new MalformedError("MALFORMED", `mapped-ram header of RAM block '${idstr}' gives page size ${headerPageSize}, the stream's is ${pageSize}`, where);
  }
  if (headerPageSize < 512 || (headerPageSize & (headerPageSize - 1)) !== 0) {
    throw new MalformedError("MALFORMED", `mapped-ram header of RAM block '${idstr}' gives page size ${headerPageSize}, not a power of two`, where);
  }
  if (usedLength % BigInt(headerPageSize) !== 0n) {
    throw new MalformedError("MALFORMED", `RAM block '${idstr}' length 0x${usedLength.toString(16)} is not a whole number of ${headerPageSize}-byte pages`, where);
  }
  const pageCount = Number(usedLength / BigInt(headerPageSize));
  // QEMU sizes the bitmap in host longs (BITS_TO_LONGS × sizeof(long)); every host it runs
  // mapped-ram on is 64-bit.
  const bitmapBytes = Math.ceil(pageCount / 64) * 8;
  // QEMU puts the bitmap right after the header; a reader that follows the stream in order
  // depends on that, so anything else is refused rather than guessed.
  if (bitmapOffset !== src.offset) {
    throw new MalformedError("MALFORMED", `mapped-ram bitmap of RAM block '${idstr}' is at 0x${bitmapOffset.toString(16)}, not right after its header (0x${src.offset.toString(16)})`, where);
  }
  if (pagesOffset < bitmapOffset + bitmapBytes || pagesOffset % headerPageSize !== 0) {
    throw new MalformedError("MALFORMED", `mapped-ram pages of RAM block '${idstr}' at 0x${pagesOffset.toString(16)} overlap its bitmap or are not page aligned`, where);
  }
  await src.need(bitmapBytes, "a mapped-ram bitmap");
  const bitmap = src.bytes(bitmapBytes);
  const presentPages = countSetBits(bitmap, pageCount);
  const area = `the page area of RAM block '${idstr}'`;
  pages?.block(idstr, Number(usedLength), headerPageSize);
  if (pages !== undefined && presentPages > 0) {
    // The bitmap is a view of the input's buffer, which the reads below may reuse.
    const present = bitmap.slice();
    for (let i = 0; i < pageCount; i++) {
      if (!isSet(present, i)) continue;
      await src.discard(pagesOffset + i * headerPageSize - src.offset, area);
      await src.need(headerPageSize, area);
      pages.page(idstr, i * headerPageSize, src.bytes(headerPageSize));
    }
  }
  await src.discard(pagesOffset + Number(usedLength) - src.offset, area);
  return { version, pageSize: headerPageSize, bitmapOffset, pagesOffset, pages: pageCount, presentPages };
}

/**
 * Whether page i is marked present. The bitmap is QEMU's in-memory `unsigned long` array:
 * little-endian on the hosts it runs on, so page i is bit i%8 of byte i/8.
 */
function isSet(bitmap: Uint8Array, i: number): boolean {
  return ((bitmap[i >> 3]! >> (i & 7)) & 1) === 1;
}

/** Pages marked present. Bits past the last page are ignored, as QEMU's loader does. */
function countSetBits(bitmap: Uint8Array, pages: number): number {
  let count = 0;
  for (let i = 0; i < pages; i++) if (isSet(bitmap, i)) count++;
  return count;
}
