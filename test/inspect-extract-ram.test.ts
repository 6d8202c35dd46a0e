/**
 * `vmstate-inspect extract-ram`: one sparse file per RAM block, with compressed and XBZRLE
 * pages decoded. Run in-process against memfs (and the real fs where sizes and TTYs matter).
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { inspectMain, type CliFs } from "@vmstate/cli";
import { runMain } from "./support/cli.js";
import { memFs } from "./support/memfs.js";
import { sampleEntry } from "./support/manifest.js";
import { readSample, SAMPLES_DIR } from "./support/samples.js";
import { COMPRESS_DATA_ADDR, XBZRLE_DATA_ADDR, XBZRLE_LOOP_ADDR, compressibleText, xbzrleLoopBytes } from "../tools/samples/guest-data.js";

const RAM_BASE = 0x40000000;
const PAGE = 4096;

interface Extracted {
  code: number;
  printed: string;
  stderr: string;
  file: (name: string) => Buffer;
  /** Data writes that were all zeros, by file. */
  zeroWrites: number;
  names: string[];
}

/** Runs extract-ram on a sample fed through stdin, into /out on memfs, logging every write. */
async function extract(sample: string | Uint8Array, extra: string[] = []): Promise<Extracted> {
  const fs = memFs({ "/keep": "" });
  let zeroWrites = 0;
  const spy: CliFs = Object.create(fs) as CliFs;
  spy.writeSync = (fd, buf, offset, length, position) => {
    if (buf.subarray(offset, offset + length).every((b) => b === 0)) zeroWrites++;
    return fs.writeSync(fd, buf, offset, length, position);
  };
  const bytes = typeof sample === "string" ? readSample(sample) : sample;
  const r = await runMain(inspectMain, ["extract-ram", "-", "/out", ...extra], { stdin: [bytes], fs: spy });
  const raw = fs as unknown as { readFileSync(p: string): Buffer; readdirSync(p: string): string[] };
  return { ...r, zeroWrites, file: (name) => raw.readFileSync(`/out/${name}`), names: raw.readdirSync("/out").sort() };
}

describe("extract-ram", () => {
  it("writes one file per block, named safely, as long as the block, without writing zeros", async () => {
    const x = await extract("aarch64-virt-uefi.mig");
    expect(x.code).toBe(0);
    expect(x.stderr).toBe("");
    expect(x.names).toEqual(["mach-virt.ram.bin", "rom@etc_acpi_rsdp.bin", "rom@etc_acpi_tables.bin", "rom@etc_table-loader.bin", "virt.flash0.bin", "virt.flash1.bin"]);
    const { ramBlocks } = sampleEntry("aarch64-virt-uefi.mig") as unknown as { ramBlocks: { name: string; bytes: number }[] };
    for (const b of ramBlocks) {
      const file = b.name.replace(/^\//, "").replace(/\//g, "_") + ".bin";
      expect(x.file(file).length, b.name).toBe(b.bytes);
    }
    expect(x.zeroWrites).toBe(0);
    // The firmware image is in flash0: EDK2 starts with a branch, not zeros.
    expect(x.file("virt.flash0.bin").subarray(0, 16).some((b) => b !== 0)).toBe(true);
    expect(x.printed).toMatch(/^mach-virt\.ram\.bin +134217728 +\d+ +\d+ +0 +0 +mach-virt\.ram$/m);
  });

  it("inflates COMPRESS_PAGE records: the guest's text is back in RAM, page for page", async () => {
    const x = await extract("aarch64-virt-compress.mig", ["--json"]);
    expect(x.code).toBe(0);
    const report = JSON.parse(x.printed) as { blocks: { block: string; pages: { compressed: number } }[] };
    expect(report.blocks.find((b) => b.block === "mach-virt.ram")!.pages.compressed).toBeGreaterThan(32);
    const text = compressibleText(256 * 1024);
    const at = COMPRESS_DATA_ADDR - RAM_BASE;
    expect(Buffer.compare(x.file("mach-virt.ram.bin").subarray(at, at + text.length), text)).toBe(0);
  });

  it("applies XBZRLE deltas: the loop's 64 pages hold its pass counter, as the stopped guest had them", async () => {
    const x = await extract("aarch64-virt-xbzrle.mig", ["--json"]);
    expect(x.code).toBe(0);
    const report = JSON.parse(x.printed) as { blocks: { block: string; pages: { xbzrle: number } }[] };
    expect(report.blocks.find((b) => b.block === "mach-virt.ram")!.pages.xbzrle).toBeGreaterThan(0);
    const ram = x.file("mach-virt.ram.bin");
    const code = xbzrleLoopBytes();
    expect(Buffer.compare(ram.subarray(XBZRLE_LOOP_ADDR - RAM_BASE, XBZRLE_LOOP_ADDR - RAM_BASE + code.length), code)).toBe(0);
    const counters: bigint[] = [];
    for (let i = 0; i < 64; i++) {
      const page = ram.subarray(XBZRLE_DATA_ADDR - RAM_BASE + i * PAGE, XBZRLE_DATA_ADDR - RAM_BASE + (i + 1) * PAGE);
      counters.push(page.readBigUInt64LE(0));
      expect(page.subarray(8).every((b) => b === 0), `page ${i}`).toBe(true);
    }
    // A pass writes counter N to pages 0..k-1 while k..63 still hold N-1.
    expect(counters[63]! >= 1n).toBe(true);
    expect(counters.every((c, i) => i === 0 || c <= counters[i - 1]!)).toBe(true);
    expect(counters[0]! - counters[63]! <= 1n).toBe(true);
    // The deltas were applied, not skipped: the counter went beyond the first full sends.
    expect(counters[0]! > 2n).toBe(true);
  });

  it("extracts a single block with --block", async () => {
    const x = await extract("aarch64-virt-uefi.mig", ["--block", "/rom@etc/acpi/tables"]);
    expect(x.code).toBe(0);
    expect(x.names).toEqual(["rom@etc_acpi_tables.bin"]);
    const none = await extract("aarch64-virt-uefi.mig", ["--block", "pc.ram"]);
    expect(none.code).toBe(4);
    expect(none.stderr).toMatch(/no RAM block named 'pc\.ram'; the stream has: .*mach-virt\.ram/);
  });

  it("on a damaged stream keeps what was extracted, says so, and exits 1 with the offset", async () => {
    const bytes = readSample("aarch64-virt-uefi.mig");
    const x = await extract(bytes.subarray(0, 1_000_000));
    expect(x.code).toBe(1);
    expect(x.printed).toMatch(/INCOMPLETE/);
    expect(x.stderr).toMatch(/ram \(\d+\) PART at offset 0x[0-9a-f]+/);
    expect(x.file("virt.flash0.bin").subarray(0, 16).some((b) => b !== 0)).toBe(true);
  });

  it("on a full disk names the file in the system's words, lists the files made, and blames no stream", async () => {
    const fs = memFs({ "/keep": "" });
    const full: CliFs = Object.create(fs) as CliFs;
    full.writeSync = () => {
      throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC", syscall: "write", errno: -28 });
    };
    const r = await runMain(inspectMain, ["extract-ram", "-", "/out"], { fs: full, stdin: [readSample("aarch64-virt-uefi.mig")] });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^vmstate-inspect: cannot write \/out\/[\w@.-]+\.bin: No space left on device\n$/);
    expect(r.printed).toMatch(/^\d+ RAM blocks? written to \/out \(INCOMPLETE: writing stopped; pages after that point are missing\)\n/);
    expect(r.printed).toContain("virt.flash0.bin");
  });
});

const inspectBin = resolve(import.meta.dirname, "../packages/cli/bin/vmstate-inspect.cjs");

describe("extract-ram on the real file system", () => {
  const dir = mkdtempSync(join(tmpdir(), "vmstate-extract-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("applies XBZRLE deltas there too, as users run it: the same RAM as on memfs (block files opened write-only failed every read-back with EBADF, exit 3)", async () => {
    const out = join(dir, "xbzrle");
    const r = spawnSync(process.execPath, [inspectBin, "extract-ram", join(SAMPLES_DIR, "aarch64-virt-xbzrle.mig"), out], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const onMemfs = await extract("aarch64-virt-xbzrle.mig");
    expect(Buffer.compare(readFileSync(join(out, "mach-virt.ram.bin")), onMemfs.file("mach-virt.ram.bin"))).toBe(0);
  });

  it("makes sparse files and draws progress only on a terminal", async () => {
    const quiet = await runMain(inspectMain, ["extract-ram", join(SAMPLES_DIR, "aarch64-virt-uefi.mig"), join(dir, "a")]);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe("");
    const st = statSync(join(dir, "a", "virt.flash1.bin"));
    expect(st.size).toBe(64 << 20);
    expect(st.blocks).toBe(0); // never written: a hole
    const tty = await runMain(inspectMain, ["extract-ram", join(SAMPLES_DIR, "aarch64-virt-uefi.mig"), join(dir, "b")], { stderrIsTTY: true });
    expect(tty.code).toBe(0);
    expect(tty.stderr).toMatch(/extract-ram \[/);
  });

  it("makes missing parent directories, and fails at once where none can be made", async () => {
    const deep = await runMain(inspectMain, ["extract-ram", join(SAMPLES_DIR, "aarch64-virt-uefi.mig"), join(dir, "c", "d", "e")]);
    expect(deep.code).toBe(0);
    expect(statSync(join(dir, "c", "d", "e", "virt.flash1.bin")).size).toBe(64 << 20);
    // proc makes no directories: Node's recursive mkdir loops forever on it.
    const proc = await runMain(inspectMain, ["extract-ram", join(SAMPLES_DIR, "aarch64-virt-uefi.mig"), "/proc/nope/deeper"]);
    expect(proc.code).toBe(3);
    expect(proc.stderr).toBe("vmstate-inspect: cannot create directory /proc/nope: No such file or directory\n");
  });

  it("fails before reading the stream where the directory is unusable, with the path and the reason", async () => {
    const file = join(dir, "a-file");
    writeFileSync(file, "");
    const uefi = join(SAMPLES_DIR, "aarch64-virt-uefi.mig");
    for (const [out, why] of [
      [file, `cannot create directory ${file}: File exists`],
      [join(file, "sub"), `cannot create directory ${join(file, "sub")}: Not a directory`],
    ]) {
      const r = await runMain(inspectMain, ["extract-ram", uefi, out!]);
      expect([r.code, r.stderr, r.printed]).toEqual([3, `vmstate-inspect: ${why}\n`, ""]);
    }
    // Root may write anywhere: a directory nobody may not write, as nobody.
    const locked = join(dir, "locked");
    mkdirSync(locked, { mode: 0o755 });
    chmodSync(dir, 0o755);
    const nobody = spawnSync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, inspectBin, "extract-ram", uefi, locked], { encoding: "utf8" });
    expect([nobody.status, nobody.stderr, nobody.stdout]).toEqual([3, `vmstate-inspect: cannot write into ${locked}: Permission denied\n`, ""]);
    expect(readdirSync(locked)).toEqual([]);
  });
});
