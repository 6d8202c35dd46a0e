import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, createReadStream, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { inspectMain } from "@vmstate/cli";
import { StreamDecoder, type RamRecord, type StreamRecord } from "@vmstate/stream";
import { runMain } from "./support/cli.js";
import { expandedSample } from "./support/packed-samples.js";
import { SAMPLES_DIR } from "./support/samples.js";

// Real QEMU 10.0 captures (tools/capture-mapped-ram.ts): `migrate file:` with mapped-ram,
// alone and with multifd (2 channels); wire-format.md §9.9.
const SAMPLES = ["newer-aarch64-virt-mapped-ram.mig", "newer-aarch64-virt-mapped-ram-multifd.mig"];
const PAGE = 4096;

async function records(file: string): Promise<StreamRecord[]> {
  const out: StreamRecord[] = [];
  for await (const rec of new StreamDecoder(createReadStream(file)).records()) out.push(rec);
  return out;
}

/** Reads pages straight from the file, independently of the decoder. */
function pageIsZero(fd: number, at: number, buf: Buffer): boolean {
  const n = readSync(fd, buf, 0, PAGE, at);
  if (n !== PAGE) throw new Error(`short read at ${at}`);
  return buf.every((b) => b === 0);
}

describe.each(SAMPLES)("mapped-ram sample %s", (name) => {
  it("decodes every block's header and bitmap, and resumes after the last page area", async () => {
    const file = expandedSample(name);
    const recs = await records(file);
    const memSize = recs.find((r): r is RamRecord => r.kind === "ram" && r.type === "mem_size");
    expect(memSize?.blocks?.map((b) => b.idstr)).toEqual(["mach-virt.ram", "virt.flash0", "virt.flash1", "/rom@etc/acpi/tables", "/rom@etc/table-loader", "/rom@etc/acpi/rsdp"]);
    const fd = openSync(file, "r");
    const buf = Buffer.alloc(PAGE);
    try {
      for (const b of memSize!.blocks!) {
        const m = b.mappedRam!;
        expect(m).toMatchObject({ version: 1, pageSize: PAGE, pages: Number(b.usedLength) / PAGE });
        expect(m.pagesOffset % 0x100000).toBe(0);
        // Every page the bitmap leaves out must read back as zero (a hole); the present count
        // is at least the number of non-zero pages found by reading the file directly.
        let nonZero = 0;
        for (let i = 0; i < m.pages; i++) if (!pageIsZero(fd, m.pagesOffset + i * PAGE, buf)) nonZero++;
        expect(m.presentPages).toBeGreaterThanOrEqual(nonZero);
        expect(m.presentPages).toBeLessThanOrEqual(m.pages);
      }
      // The guest ran: its RAM and the ACPI tables have non-zero pages.
      expect(memSize!.blocks![3]!.mappedRam!.presentPages).toBeGreaterThan(0);
    } finally {
      closeSync(fd);
    }
    const last = memSize!.blocks!.at(-1)!;
    // The MEM_SIZE record ends where the last page area ends (QEMU seeks there); EOS follows.
    expect(memSize!.end).toBe(last.mappedRam!.pagesOffset + Number(last.usedLength));
    const end = recs.at(-1)!;
    expect(end.end).toBe(statSync(file).size);
    expect(recs.filter((r) => r.kind === "device").length).toBe(16);
  });

  it("summary counts each block's present pages from its bitmap; verify accepts the file", async () => {
    const file = expandedSample(name);
    const memSize = (await records(file)).find((r): r is RamRecord => r.kind === "ram" && r.type === "mem_size")!;
    const r = await runMain(inspectMain, ["summary", "--json", file]);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.printed) as { features: { capabilities: string[] }; ram: { name: string; pages: { normal: number; zero: number } }[] };
    expect(summary.features.capabilities).toContain("mapped-ram");
    expect(summary.ram.map((b) => [b.name, b.pages.normal, b.pages.zero])).toEqual(memSize.blocks!.map((b) => [b.idstr, b.mappedRam!.presentPages, 0]));
    const v = await runMain(inspectMain, ["verify", file]);
    expect(v.code, v.stderr).toBe(0);
    expect(v.printed).toContain(": ok (");
  });
});

// The real mapped-ram files: both captures, and libvirt 11.3's sparse save image of a QEMU 11.1
// guest (a mapped-ram stream after libvirt's header).
const ALL_MAPPED_RAM = [...SAMPLES, "libvirt/sparse.sav"];
const BIN = resolve(import.meta.dirname, "../packages/cli/bin/vmstate-inspect.cjs");
const RSS_PROBE = resolve(import.meta.dirname, "../bench/rss-probe.cjs");

interface BlockCounts {
  name: string;
  size: number;
  pages: { zero: number; normal: number; compressed: number; xbzrle: number; absent?: number | null };
}

describe.each(ALL_MAPPED_RAM)("verify on the mapped-ram file %s", (name) => {
  it("counts each block's pages as summary does, and the pages no bitmap bit marks as absent", async () => {
    const file = expandedSample(name);
    const memSize = (await records(file)).find((r): r is RamRecord => r.kind === "ram" && r.type === "mem_size")!;
    const s = await runMain(inspectMain, ["summary", "--json", file]);
    expect(s.code, s.stderr).toBe(0);
    const summary = (JSON.parse(s.printed) as { ram: BlockCounts[] }).ram;
    const v = await runMain(inspectMain, ["verify", "--json", file]);
    expect(v.code, v.stderr).toBe(0);
    const verified = (JSON.parse(v.printed) as { ram: BlockCounts[] }).ram;
    expect(verified.map(({ name, size, pages: { absent: _, ...sent } }) => ({ name, size, pages: sent }))).toEqual(summary);
    // Absent pages: the block's pages less the ones its bitmap marks (decoded here from the file).
    expect(verified.map((b) => b.pages.absent)).toEqual(memSize.blocks!.map((b) => b.mappedRam!.pages - b.mappedRam!.presentPages));
    const present = memSize.blocks!.reduce((n, b) => n + b.mappedRam!.presentPages, 0);
    expect(present).toBeGreaterThan(0);
    const text = await runMain(inspectMain, ["verify", file]);
    expect(text.printed).toContain(`, ${present} RAM pages,`);
  });

  it("keeps memory flat: peak RSS well under the file's RAM, which is never held", () => {
    const file = expandedSample(name);
    const dir = mkdtempSync(join(tmpdir(), "vmstate-verify-rss-"));
    try {
      const rssFile = join(dir, "rss");
      const r = spawnSync(BIN, ["verify", file], { env: { ...process.env, NODE_OPTIONS: `--require=${RSS_PROBE}`, VMSTATE_RSS_FILE: rssFile }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
      expect(r.status, r.stderr).toBe(0);
      const peakMiB = Number(readFileSync(rssFile, "utf8")) / 1024;
      // The file holds 256 MiB of RAM and flash (holes read as zeros): a verify that kept the
      // page areas peaked above 320 MiB; one that streams them stays near Node's own ~70 MiB.
      expect(peakMiB).toBeLessThan(160);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// What QEMU's own analyze-migration.py (master commit 0002b0db13, the first that reads
// mapped-ram) printed for `-d state` and wrote for `-x`: tools/gen-mapped-ram-golden.ts.
const GOLDEN = resolve(import.meta.dirname, "golden/analyze-migration-mapped-ram");
const goldenIndex = JSON.parse(readFileSync(join(GOLDEN, "index.json"), "utf8")) as { script: { commit: string }; samples: Record<string, string> };

describe.each(SAMPLES)("mapped-ram sample %s against analyze-migration.py", (name) => {
  it("the golden data were made from the committed capture", () => {
    expect(goldenIndex.script.commit).toMatch(/^0002b0db13/);
    const archive = createHash("sha256").update(readFileSync(join(SAMPLES_DIR, `${name}.tar.gz`))).digest("hex");
    expect(goldenIndex.samples[name], `${name} changed since the golden data were made: run tools/gen-mapped-ram-golden.ts`).toBe(archive);
  });

  it("dump --format analyze-migration prints what -d state printed, byte for byte", async () => {
    const r = await runMain(inspectMain, ["dump", "--format", "analyze-migration", expandedSample(name)]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.printed === readFileSync(join(GOLDEN, `${name}.json`), "utf8")).toBe(true);
  });

  it("extract-ram writes the block files -x wrote: same sizes, same bytes, and keeps them sparse", async () => {
    const golden = JSON.parse(readFileSync(join(GOLDEN, `${name}.extract.json`), "utf8")) as { path: string; bytes: number; sha256: string }[];
    const dir = mkdtempSync(join(tmpdir(), "vmstate-mapped-ram-extract-"));
    try {
      const r = await runMain(inspectMain, ["extract-ram", "--json", expandedSample(name), dir]);
      expect(r.code, r.stderr).toBe(0);
      const doc = JSON.parse(r.printed) as { complete: boolean; blocks: { block: string; file: string; length: number; pages: { normal: number } }[] };
      expect(doc.complete).toBe(true);
      // -x names a block's file after the block (a leading '/' dropped, '/' making directories).
      const ours = doc.blocks.map((b) => {
        const data = readFileSync(join(dir, b.file));
        return { path: b.block.replace(/^\//, ""), bytes: data.length, sha256: createHash("sha256").update(data).digest("hex") };
      });
      expect(ours.sort((a, b) => a.path.localeCompare(b.path))).toEqual([...golden].sort((a, b) => a.path.localeCompare(b.path)));
      // The guest's RAM has data: the comparison is not of empty files.
      expect(doc.blocks.find((b) => b.block === "mach-virt.ram")!.pages.normal).toBeGreaterThan(0);
      // Pages the bitmap leaves out are holes in our files (-x writes them as zeros).
      const ram = statSync(join(dir, doc.blocks.find((b) => b.block === "mach-virt.ram")!.file));
      expect(ram.blocks * 512).toBeLessThan(ram.size / 100);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
