import { LimitError, MalformedError, type ByteSource } from "@vmstate/wire";
import { readName } from "./counted-string.js";
import { readMappedRamBlock } from "./mapped-ram.js";
import type { RamBlockEntry } from "./records.js";
import { countPages, type RamState } from "./ram-state.js";

/** More blocks than any real machine has; a bigger list means a damaged total. */
const MAX_BLOCKS = 4096;
/** 256 TiB: beyond any RAM block, and well inside exact float arithmetic on offsets. */
const MAX_BLOCK_BYTES = 2n ** 48n;

/**
 * The MEM_SIZE block list (migration/ram.c: ram_save_setup): entries of counted name and
 * be64 used length (plus the guest address with x-ignore-shared) until the lengths add up
 * to the record's total. Each entry is checked before the next is read.
 */
export async function readBlockList(src: ByteSource, state: RamState, total: number, path: string): Promise<RamBlockEntry[]> {
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
      entry.mappedRam = await readMappedRamBlock(src, idstr, usedLength, state.pageSize, path, state.mappedRamPages);
      // Pages with data are the ones the bitmap marks; the rest are zero (holes).
      if (state.tally) countPages(state.tally, idstr, "normal", entry.mappedRam.presentPages);
    }
    state.blocks.set(idstr, usedLength);
    if (idstr === state.lastBlock) state.lastBlockLength = Number(usedLength);
    entries.push(entry);
  }
  return entries;
}

