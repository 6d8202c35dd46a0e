/**
 * Compressed `virsh save` images (libvirt's save_image_format gzip, bzip2, xz, lzop, zstd):
 * every command reads them through the same program libvirt runs, and says what it says of
 * the same stream stored raw; a rewrite writes header and XML as they were and the stream
 * compressed again; QEMU loads what comes out, decompressed the way libvirt restores it.
 * The images are made from a real QEMU capture by tools/libvirt-save-image.ts, which runs the
 * real compressors.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { inspectMain, rewriteMain } from "@vmstate/cli";
import { libvirtCompressor, type LibvirtCompressedFormat, type RamRecord } from "@vmstate/stream";
import { requireQemu } from "../tools/qemu/binaries.js";
import { loadStream } from "../tools/qemu/load.js";
import { equalBytes } from "./support/decode.js";
import { readSample } from "./support/samples.js";
import { sampleRecords } from "./support/damage.js";
import { runMain } from "./support/cli.js";
import { libvirtImage, run } from "./support/libvirt.js";
import { sampleEntry } from "./support/manifest.js";
import { asRawOutput, SAME_OUTPUT_COMMANDS } from "./support/compressed-output.js";
import { compressingSink } from "../packages/cli/src/files/compressing-sink.js";

const SAMPLE = "aarch64-virt-max-4cpu.mig";
const HEADER = 92 + 65536;
const FORMATS: LibvirtCompressedFormat[] = ["gzip", "bzip2", "xz", "lzop", "zstd"];

const stream = readSample(SAMPLE);
const dir = mkdtempSync(join(tmpdir(), "vmstate-libvirt-compressed-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Same-length names, so column widths cannot differ between the raw and compressed runs. */
const path = (name: string) => join(dir, `${name.padEnd(5, "_")}.sav`);
const RAW = path("raw");
writeFileSync(RAW, libvirtImage(stream));
for (const f of FORMATS) writeFileSync(path(f), libvirtImage(stream, { format: f }));

/** A compressed image's output made comparable with the raw one's. */
const asRaw = (text: string, f: string) => asRawOutput(text, f, path(f), RAW);

/** The stream after header and XML, decompressed as libvirt restores it. */
const decompressed = (f: LibvirtCompressedFormat, image: Uint8Array) => run(f, libvirtCompressor(f)!.decompress, image.subarray(HEADER));

const BIN = resolve(import.meta.dirname, "../packages/cli/dist/bin");
/** Runs a built command with PATH holding only node's directory: no compressor is found. */
function withoutCompressors(bin: string, args: string[]) {
  const nodeDir = join(dir, "node-only");
  mkdirSync(nodeDir, { recursive: true });
  return spawnSync(process.execPath, [join(BIN, bin), ...args], { env: { PATH: nodeDir }, encoding: "utf8" });
}

describe.each(FORMATS)("a %s-compressed virsh save image", (f) => {
  it.each(SAME_OUTPUT_COMMANDS)("%s %s %s: the same output as the raw image", async (...cmd) => {
    const raw = await runMain(inspectMain, [...cmd, RAW]);
    const c = await runMain(inspectMain, [...cmd, path(f)]);
    expect(raw.code, raw.stderr).toBe(0);
    expect(c.code, c.stderr).toBe(0);
    expect(asRaw(c.printed, f)).toBe(raw.printed);
    expect(asRaw(c.stderr, f)).toBe(raw.stderr);
  });

  it("summary names the format, also from a pipe", async () => {
    const r = await runMain(inspectMain, ["summary", "--json", "-"], { stdin: [readFileSync(path(f))] });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.printed).libvirt).toEqual({ complete: true, wasRunning: true, format: f, domain: "guest1", streamOffset: HEADER });
    const text = await runMain(inspectMain, ["summary", path(f)]);
    expect(text.printed).toContain(`QEMU stream at offset ${HEADER}, ${f}-compressed (offsets are in the decompressed image)`);
  });

  it("diff (either side), explain (as SRC and as --dest) and report read it like the raw image", async () => {
    for (const [a, b] of [
      [path(f), RAW],
      [RAW, path(f)],
    ]) {
      const r = await runMain(inspectMain, ["diff", "--exit-code", a!, b!]);
      expect(r.code, r.printed + r.stderr).toBe(0);
    }
    const rawExplain = await runMain(inspectMain, ["explain", RAW, "--dest", RAW]);
    expect(rawExplain.code, rawExplain.stderr).toBe(0);
    const src = await runMain(inspectMain, ["explain", path(f), "--dest", RAW]);
    expect(asRaw(src.printed, f)).toBe(rawExplain.printed);
    const dest = await runMain(inspectMain, ["explain", RAW, "--dest", path(f)]);
    expect(asRaw(dest.printed, f)).toBe(rawExplain.printed);
    expect(dest.code).toBe(0);
    const rawReport = await runMain(inspectMain, ["report", RAW, "--dest", RAW, "-o", join(dir, `report-raw-${f}.html`)]);
    const report = await runMain(inspectMain, ["report", path(f), "--dest", path(f), "-o", join(dir, `report-${f}.html`)]);
    expect(report.code, report.stderr).toBe(rawReport.code);
    expect(readFileSync(join(dir, `report-${f}.html`), "utf8")).toContain(`<dt>image format</dt><dd>${f}</dd>`);
    expect(asRaw(readFileSync(join(dir, `report-${f}.html`), "utf8"), f)).toBe(readFileSync(join(dir, `report-raw-${f}.html`), "utf8"));
  });

  it("extract-ram writes the same block files as from the raw image", async () => {
    const outRaw = join(dir, `ram-raw-${f}`);
    const out = join(dir, `ram-${f}`);
    expect((await runMain(inspectMain, ["extract-ram", RAW, outRaw])).code).toBe(0);
    const r = await runMain(inspectMain, ["extract-ram", path(f), out]);
    expect(r.code, r.stderr).toBe(0);
    const files = readdirSync(outRaw).sort();
    expect(readdirSync(out).sort()).toEqual(files);
    expect(files.length).toBeGreaterThan(0);
    for (const name of files) expect(equalBytes(readFileSync(join(out, name)), readFileSync(join(outRaw, name))), name).toBe(true);
  });

  it("xml prints the stored domain XML without running the decompressor", async () => {
    const xml = "<domain type='kvm'>\n  <name>guest1</name>\n  <uuid>6f1c0a2e-0000-4000-8000-000000000001</uuid>\n</domain>\n";
    const image = join(dir, `xml-${f}.sav`);
    writeFileSync(image, libvirtImage(stream, { format: f, xml }));
    const r = withoutCompressors("inspect.js", ["xml", image]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(xml);
  });

  it("rewrite writes header and XML as they were, then the rewritten stream compressed by the same program: -i/-o and a pipe", async () => {
    const bare = await runMain(rewriteMain, ["--hide", "DBGBVR0_EL1"], { stdin: [stream] });
    expect(bare.code, bare.stderr).toBe(0);
    const image = readFileSync(path(f));
    const out = join(dir, `out-${f}.sav`);
    const file = await runMain(rewriteMain, ["--hide", "DBGBVR0_EL1", "-i", path(f), "-o", out]);
    expect(file.code, file.stderr).toBe(0);
    const piped = await runMain(rewriteMain, ["--hide", "DBGBVR0_EL1"], { stdin: [image] });
    expect(piped.code, piped.stderr).toBe(0);
    for (const written of [readFileSync(out), piped.stdout]) {
      // The header (its format word among them) and the XML area, byte for byte.
      expect(equalBytes(written.subarray(0, HEADER), image.subarray(0, HEADER))).toBe(true);
      expect(equalBytes(decompressed(f, written), bare.stdout)).toBe(true);
    }
  });

  it("rewrite --in-place through a symbolic link replaces the target whole, keeping its mode; --dry-run writes nothing", async () => {
    const target = join(dir, `inplace-${f}.sav`);
    const link = join(dir, `inplace-link-${f}.sav`);
    const image = readFileSync(path(f));
    writeFileSync(target, image);
    chmodSync(target, 0o640);
    symlinkSync(target, link);
    const dry = await runMain(rewriteMain, ["--hide", "DBGBVR0_EL1", "--dry-run", "-i", link]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(equalBytes(readFileSync(target), image)).toBe(true);
    const r = await runMain(rewriteMain, ["--hide", "DBGBVR0_EL1", "--in-place", "-i", link]);
    expect(r.code, r.stderr).toBe(0);
    expect(statSync(target).mode & 0o777).toBe(0o640);
    expect(statSync(link, { throwIfNoEntry: true }).isFile()).toBe(true);
    const bare = await runMain(rewriteMain, ["--hide", "DBGBVR0_EL1"], { stdin: [stream] });
    const written = readFileSync(target);
    expect(equalBytes(written.subarray(0, HEADER), image.subarray(0, HEADER))).toBe(true);
    expect(equalBytes(decompressed(f, written), bare.stdout)).toBe(true);
    expect(readdirSync(dir).filter((n) => n.includes(".vmstate-"))).toEqual([]);
  });

  it("QEMU 7.2 loads the rewritten image's stream, decompressed the way libvirt restores it", async () => {
    const file = join(dir, `load-${f}.sav`);
    writeFileSync(file, readFileSync(path(f)));
    const r = await runMain(rewriteMain, ["--hide", "DBGBVR0_EL1", "--in-place", "-i", file]);
    expect(r.code, r.stderr).toBe(0);
    const sample = sampleEntry(SAMPLE);
    const loaded = await loadStream({ binary: requireQemu("aarch64"), args: sample.args, incomingUri: `exec:tail -c +${HEADER + 1} ${file} | ${f} -dc` });
    expect(loaded.reason ?? "", loaded.stderr).toBe("");
  });
});

describe("compressed images: errors", () => {
  it("a missing decompressor is exit 3 naming the program and the Debian package", () => {
    for (const [bin, args] of [
      ["inspect.js", ["summary", path("xz")]],
      ["rewrite.js", ["--hide", "DBGBVR0_EL1", "-i", path("xz"), "-o", join(dir, "never.sav")]],
    ] as const) {
      const r = withoutCompressors(bin, [...args]);
      expect(r.status, r.stderr).toBe(3);
      expect(r.stderr).toContain("xz is needed to decompress this xz-compressed libvirt save image and was not found in PATH: install it (Debian, Ubuntu: apt-get install xz-utils)");
      expect(r.stdout).toBe("");
    }
    expect(readdirSync(dir).filter((n) => n.startsWith("never"))).toEqual([]);
  });

  it("data the decompressor rejects is exit 1 naming the program and what it said; no output is left", async () => {
    const image = readFileSync(path("gzip"));
    const bad = join(dir, "bad-gzip.sav");
    // The gzip magic kept, the deflate data replaced by bytes that are not deflate data.
    writeFileSync(bad, Buffer.concat([image.subarray(0, HEADER + 10), Buffer.alloc(4096, 0xff)]));
    const r = await runMain(inspectMain, ["summary", bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the gzip QEMU stream of this libvirt image does not decompress: gzip -dc: gzip: stdin: .*invalid/);
    const w = await runMain(rewriteMain, ["--hide", "DBGBVR0_EL1", "-i", bad, "-o", join(dir, "bad-out.sav")]);
    expect(w.code).toBe(1);
    expect(w.stderr).toContain("gzip -dc: gzip: stdin:");
    expect(readdirSync(dir).filter((n) => n.startsWith("bad-out"))).toEqual([]);
  });

  it("a damaged stream inside is exit 1, its offset said to be one of the decompressed image", async () => {
    const cut = join(dir, "cut-xz.sav");
    writeFileSync(cut, libvirtImage(stream.subarray(0, 300000), { format: "xz" }));
    for (const argv of [["summary", cut], ["cpregs", cut]]) {
      const r = await runMain(inspectMain, argv);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/at offset 0x[0-9a-f]+ \(\d+\) of the decompressed image\n$/);
    }
    const w = await runMain(rewriteMain, ["--hide", "DBGBVR0_EL1", "-i", cut, "-o", join(dir, "cut-out.sav")]);
    expect(w.code).toBe(1);
    expect(w.stderr).toContain("of the decompressed image");
    const v = await runMain(inspectMain, ["verify", cut]);
    expect(v.code).toBe(1);
    expect(v.printed).toContain(`${cut} (offsets of the decompressed image):`);
  });

  // Found by the fuzzer's 10,000-mutant run: one socket per failed command (the
  // decompressor's output, unread and never closed) in a process that runs many.
  it("a command that stops early inside a compressed image's stream leaves no descriptor open", async () => {
    const zero = (await sampleRecords(SAMPLE)).find((r): r is RamRecord => r.kind === "ram" && r.type === "zero" && r.continued)!;
    const damaged = stream.slice();
    damaged[zero.start + 6] = damaged[zero.start + 6]! | 0x01; // flags 0x22 -> 0x120: no such record
    damaged[zero.start + 7] = 0x20;
    const bad = join(dir, "early-damage-gzip.sav");
    writeFileSync(bad, libvirtImage(damaged, { format: "gzip" }));
    const open = () => readdirSync("/proc/self/fd").length;
    const before = open();
    for (let k = 0; k < 3; k++) {
      for (const argv of [["summary", bad], ["verify", bad], ["cpregs", bad]]) expect((await runMain(inspectMain, argv)).code).toBe(1);
      expect((await runMain(rewriteMain, ["-i", bad, "-o", join(dir, "early-damage-out.sav")])).code).toBe(1);
    }
    // A killed decompressor's pipes close as it is reaped: give that a moment, even on a busy machine.
    for (const deadline = Date.now() + 10_000; open() > before && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 50));
    expect(open()).toBe(before);
  });

  it("xml of a bare migration stream is exit 4", async () => {
    const r = await runMain(inspectMain, ["xml", "-"], { stdin: [stream] });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("is not a libvirt save image (no LibvirtQemudSave magic): a bare migration stream carries no domain XML");
  });

  it("a sparse image whose stream is not mapped-ram is refused, saying so (test/libvirt-sparse.test.ts reads real ones)", async () => {
    const image = libvirtImage(stream);
    Buffer.from(image.buffer, image.byteOffset).writeUInt32LE(6, 28);
    const r = await runMain(inspectMain, ["summary", "-"], { stdin: [image] });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("libvirt image in the sparse format, but its QEMU stream does not announce the mapped-ram capability in libvirt header at offset 0x1c");
  });

  // Found by the fuzzer's 10,000-mutant run (seed 20261206): after a failed rewrite of an lzop
  // image, the compressor's leftover output went on to the output's closed descriptor, whose
  // number the next command's decompressor pipe had taken; the synchronous write waited on it
  // forever, and the decompressor on us.
  it("a stopped compressor's leftover output is not written on: the owner closes the output right after stop", async () => {
    const written: number[] = [];
    let closed = false;
    const afterClose: number[] = [];
    // A slow output, so that the compressor's output piles up in the pipe as a full disk's would.
    const out = {
      write: async (b: Uint8Array) => {
        (closed ? afterClose : written).push(b.length);
        await new Promise((r) => setTimeout(r, 20));
      },
      end: async () => {},
    };
    const sink = compressingSink(out, { compressor: libvirtCompressor("gzip")!, headerLength: 0 });
    const noise = new Uint8Array(randomBytes(1 << 20)); // does not compress: output comes as input goes in
    const feeding = (async () => {
      for (let k = 0; k < 8 && !closed; k++) await Promise.resolve(sink.write(noise)).catch(() => {});
    })();
    while (written.length < 3) await new Promise((r) => setTimeout(r, 10));
    sink.stop();
    closed = true;
    await feeding;
    await new Promise((r) => setTimeout(r, 500));
    expect(written.length).toBeGreaterThanOrEqual(3);
    expect(afterClose).toEqual([]);
  });
});
