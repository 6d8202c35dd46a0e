/**
 * The page map's buckets: counts per kind land in the bucket of their offset, totals equal
 * the records fed (as `summary` counts), absent pages are those no record touched, and a
 * block of any size gets at most MAX_BUCKETS buckets of whole pages.
 */
import { describe, expect, it } from "vitest";
import type { RamRecord } from "@vmstate/stream";
import { MAX_BUCKETS, PageMapCollector } from "./page-map.js";

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

function blockList(blocks: [string, number][]): RamRecord {
  return { kind: "ram", type: "mem_size", sectionId: 1, offset: 0, flags: 4, block: "", continued: false, start: 0, end: 0, bytes: new Uint8Array(),
    blocks: blocks.map(([idstr, n]) => ({ idstr, usedLength: BigInt(n) })) } as RamRecord;
}
function page(block: string, offset: number, type: "zero" | "page" | "compressed" | "xbzrle"): RamRecord {
  return { kind: "ram", type, sectionId: 1, offset, flags: 0, block, continued: true, start: 0, end: 0, bytes: new Uint8Array() };
}

describe("PageMapCollector", () => {
  it("counts records per bucket and kind, and the pages no record sent", () => {
    const c = new PageMapCollector();
    c.add(blockList([["ram", 64 * 4 * KiB]]), 4096);
    for (let p = 0; p < 60; p++) c.add(page("ram", p * 4096, p % 2 === 0 ? "zero" : "page"), 4096);
    c.add(page("ram", 0, "xbzrle"), 4096); // sent again: counted again, still one page
    c.add(page("ram", 4096, "compressed"), 4096);
    const [m] = c.result(4096);
    expect(m!.pages).toBe(64);
    expect(m!.buckets.zero.length).toBe(64); // one page per bucket: the block is small
    expect(m!.counts).toEqual({ zero: 30, normal: 30, compressed: 1, xbzrle: 1, absent: 4 });
    expect(m!.buckets.xbzrle[0]).toBe(1);
    expect(m!.buckets.absent.slice(58)).toEqual([0, 0, 1, 1, 1, 1]);
  });

  it("keeps at most MAX_BUCKETS buckets of whole pages for a 16 GiB block", () => {
    const c = new PageMapCollector();
    c.add(blockList([["big", 16 * GiB]]), 4096);
    c.add(page("big", 16 * GiB - 4096, "page"), 4096);
    const [m] = c.result(4096);
    expect(m!.buckets.normal.length).toBe(MAX_BUCKETS);
    expect(m!.bucketBytes).toBe(16 * MiB);
    expect(m!.buckets.normal[MAX_BUCKETS - 1]).toBe(1);
    expect(m!.counts.absent).toBe(16 * GiB / 4096 - 1);
  });

  it("maps a block announced before the page size was known", () => {
    const c = new PageMapCollector();
    c.add(blockList([["ram", 1 * MiB]]), undefined);
    c.add(page("ram", 0, "zero"), undefined);
    c.add(page("ram", 8192, "page"), 4096);
    const [m] = c.result(4096);
    expect(m!.bucketBytes % 65536).toBe(0);
    expect(m!.counts).toEqual({ zero: 1, normal: 1, compressed: 0, xbzrle: 0, absent: 256 - 2 });
  });
});
