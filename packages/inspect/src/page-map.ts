/**
 * A page map of each RAM block, gathered while the stream is decoded: how the pages of each
 * stretch of the block travelled (ZERO, PAGE, COMPRESS_PAGE, XBZRLE) and how many were never
 * sent at all. It is what `vmstate-inspect report` draws, so it must stay small whatever the
 * guest size: each block is cut into at most {@link MAX_BUCKETS} equal stretches ("buckets")
 * and only counts per bucket are kept, never anything per page but one bit (below).
 *
 * Counts are of records, as `summary`'s are (a page sent twice counts twice, so the totals
 * equal `summary --json`'s page counts). "Absent" is different: pages no record touched,
 * which needs to know which pages were seen, so each block keeps one bit per page (the cost
 * `extract-ram` and `verify` pay: 32 KiB per GiB of guest at 4 KiB pages). When a block is
 * announced before the page size is known (a stream without a configuration section, whose
 * page size is inferred from its first PAGE), its bits are per KiB, QEMU's smallest target
 * page, and its buckets span multiples of 64 KiB, its largest, so every bucket holds whole
 * pages whatever the size turns out to be.
 */
import type { MappedRamPageSink, RamRecord } from "@vmstate/stream";

/** Most buckets per block: as many as a page map is pixels wide, more would not show. */
export const MAX_BUCKETS = 1024;

/** The forms a page travels in, and "absent" for a page no record sent. */
export const PAGE_KINDS = ["zero", "normal", "compressed", "xbzrle", "absent"] as const;
export type PageKind = (typeof PAGE_KINDS)[number];

const SENT_KINDS = { zero: 0, page: 1, compressed: 2, xbzrle: 3 } as const;
const SMALLEST_PAGE = 1024;
const LARGEST_PAGE = 65536;

/** One block's map. */
export interface BlockPageMap {
  name: string;
  /** Used length in bytes. */
  length: number;
  /** Pages in the block (0 when the page size never became known). */
  pages: number;
  /** Bytes each bucket spans; the last one may be shorter. */
  bucketBytes: number;
  /** Totals per kind over the block. */
  counts: Record<PageKind, number>;
  /** Per kind, one count per bucket (all the same length). */
  buckets: Record<PageKind, number[]>;
}

interface BlockTally {
  length: number;
  bucketBytes: number;
  /** Bytes per bit of `seen`. */
  unit: number;
  seen: Uint8Array;
  /** Records per bucket, one array per sent kind. */
  sent: Uint32Array[];
}

/** Feed it every RAM record (`add`), then read {@link PageMapCollector.result}. */
export class PageMapCollector {
  private readonly blocks = new Map<string, BlockTally>();

  /** `pageSize`: the decoder's current page size (undefined while still unknown). */
  add(rec: RamRecord, pageSize: number | undefined): void {
    if (rec.type === "mem_size") {
      for (const b of rec.blocks ?? []) if (!this.blocks.has(b.idstr)) this.blocks.set(b.idstr, newTally(Number(b.usedLength), pageSize));
      return;
    }
    const kind = SENT_KINDS[rec.type as keyof typeof SENT_KINDS];
    const t = kind === undefined ? undefined : this.blocks.get(rec.block);
    if (t !== undefined && kind !== undefined) count(t, kind, rec.offset);
  }

  /**
   * The pages of a mapped-ram stream (the decoder's `mappedRamPages`), which travel in each
   * block's page area, not as records: a page its bitmap marks present counts as a PAGE, the
   * others stay "absent" (never written: holes that read as zeros).
   */
  readonly mappedRam: MappedRamPageSink = {
    block: (name, length, pageSize) => {
      if (!this.blocks.has(name)) this.blocks.set(name, newTally(length, pageSize));
    },
    page: (name, offset) => {
      const t = this.blocks.get(name);
      if (t !== undefined) count(t, SENT_KINDS.page, offset);
    },
  };

  /** The maps, blocks in the order the stream announced them. */
  result(pageSize: number | undefined): BlockPageMap[] {
    return [...this.blocks].map(([name, t]) => blockMap(name, t, pageSize));
  }
}

/** One page sent in form `kind`. The decoder refuses a page outside its block, so the bucket exists. */
function count(t: BlockTally, kind: number, offset: number): void {
  t.sent[kind]![Math.floor(offset / t.bucketBytes)]!++;
  const bit = Math.floor(offset / t.unit);
  t.seen[bit >> 3]! |= 1 << (bit & 7);
}

function newTally(length: number, pageSize: number | undefined): BlockTally {
  const align = pageSize ?? LARGEST_PAGE;
  const bucketBytes = Math.max(align, Math.ceil(length / MAX_BUCKETS / align) * align);
  const count = Math.max(1, Math.ceil(length / bucketBytes));
  const unit = pageSize ?? SMALLEST_PAGE;
  return {
    length, bucketBytes, unit,
    seen: new Uint8Array(Math.ceil(length / unit / 8)),
    sent: Object.values(SENT_KINDS).map(() => new Uint32Array(count)),
  };
}

function blockMap(name: string, t: BlockTally, pageSize: number | undefined): BlockPageMap {
  const n = t.sent[0]!.length;
  const [zero, normal, compressed, xbzrle] = t.sent.map((a) => [...a]) as [number[], number[], number[], number[]];
  const absent = new Array<number>(n).fill(0);
  if (pageSize !== undefined) {
    // A page of this bucket was sent when the bit at its start is set.
    for (let i = 0; i < n; i++) {
      const end = Math.min(t.length, (i + 1) * t.bucketBytes);
      for (let at = i * t.bucketBytes; at < end; at += pageSize) {
        const bit = (at / t.unit) | 0;
        if ((t.seen[bit >> 3]! & (1 << (bit & 7))) === 0) absent[i]!++;
      }
    }
  }
  const buckets = { zero, normal, compressed, xbzrle, absent };
  const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
  return {
    name, length: t.length,
    pages: pageSize === undefined ? 0 : Math.ceil(t.length / pageSize),
    bucketBytes: t.bucketBytes,
    counts: { zero: sum(zero), normal: sum(normal), compressed: sum(compressed), xbzrle: sum(xbzrle), absent: sum(absent) },
    buckets,
  };
}
