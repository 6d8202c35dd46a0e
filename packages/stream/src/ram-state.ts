import type { RamRecordType } from "./records.js";

/** What the RAM grammar needs to remember across records and sections. */
export interface RamState {
  /** Target page size; undefined until known (configuration) or inferred (first PAGE). */
  pageSize: number | undefined;
  pageSizeSource: "configuration" | "inferred" | "option" | undefined;
  /** With x-ignore-shared each block entry carries its guest address (ram.c: ram_save_setup). */
  ignoreShared: boolean;
  /** mapped-ram streams carry a header, bitmap and page area after each block entry (§9.9). */
  mappedRam: boolean;
  /** Blocks announced by MEM_SIZE, name → used length. */
  blocks: Map<string, bigint>;
  /**
   * The block of the previous named record. QEMU keeps it for the whole stream, not per
   * section: a PART may begin with CONTINUE (ram.c: save_page_header).
   */
  lastBlock: string | undefined;
  /**
   * `blocks.get(lastBlock)` as a number, kept beside it so the page loop checks offsets
   * without a map lookup and a bigint conversion per page.
   */
  lastBlockLength: number | undefined;
  /** Page counts by block, kept only when asked for (a summary that needs no records). */
  tally: Map<string, PageTally> | undefined;
  /** Receives the pages of mapped-ram page areas, when asked for (DecodeOptions.mappedRamPages). */
  mappedRamPages: MappedRamPageSink | undefined;
}

/**
 * Receives a mapped-ram stream's pages as each block's page area is read: first the block
 * (before its pages; its MEM_SIZE record is complete only after the last block's page area),
 * then each page its bitmap marks present, with its offset in the block and its bytes (valid
 * only during the call).
 */
export interface MappedRamPageSink {
  block(name: string, length: number, pageSize: number): void;
  page(block: string, offset: number, page: Uint8Array): void;
}

/** How many pages of one block travelled in each form. */
export interface PageTally {
  zero: number;
  normal: number;
  compressed: number;
  xbzrle: number;
}

/** Which count each kind of page record adds to. */
export const TALLY_KEY: Partial<Record<RamRecordType, keyof PageTally>> = { zero: "zero", page: "normal", compressed: "compressed", xbzrle: "xbzrle" };

/** Adds n pages of one form to a block's count. */
export function countPages(tally: Map<string, PageTally>, block: string, key: keyof PageTally, n: number): void {
  let t = tally.get(block);
  if (!t) tally.set(block, (t = { zero: 0, normal: 0, compressed: 0, xbzrle: 0 }));
  t[key] += n;
}

/** The state at the start of a stream: nothing known yet. */
export function newRamState(): RamState {
  return { pageSize: undefined, pageSizeSource: undefined, ignoreShared: false, mappedRam: false, blocks: new Map(), lastBlock: undefined, lastBlockLength: undefined, tally: undefined, mappedRamPages: undefined };
}

