/**
 * Issue #10's findings, each as the smallest mutation of a real sample that showed it: every
 * command gives a clean, printable error or a warning, never an internal error or a silent
 * exit 0 on a stream `verify` rejects.
 */
import { describe, expect, it } from "vitest";
import * as nodeFs from "node:fs";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { inspectMain, rewriteMain, type CliFs } from "@vmstate/cli";
import { locateVmdesc, type DeviceRecord, type RamRecord, type StreamRecord } from "@vmstate/stream";
import { findField } from "@vmstate/vmsd";
import { runMain } from "./support/cli.js";
import { sampleRecords } from "./support/damage.js";
import { SAMPLES_DIR, readSample } from "./support/samples.js";
import { expandedSample } from "./support/packed-samples.js";

/** `bytes` with `[at, at + remove)` replaced by `insert`. */
function splice(bytes: Uint8Array, at: number, remove: number, insert: ArrayLike<number>): Uint8Array {
  return Buffer.concat([bytes.subarray(0, at), Uint8Array.from(insert), bytes.subarray(at + remove)]);
}

async function firstRam(name: string, type: RamRecord["type"]): Promise<RamRecord> {
  const rec = (await sampleRecords(name)).find((r: StreamRecord): r is RamRecord => r.kind === "ram" && r.type === type);
  if (!rec) throw new Error(`${name} has no ${type} record`);
  return rec;
}

const dir = mkdtempSync(join(tmpdir(), "vmstate-hostile-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of a sample whose first cpu section's cpreg_vmstate_array_len holds `count`. */
async function withCpregCount(name: string, count: number): Promise<Uint8Array> {
  const cpu = (await sampleRecords(name)).find((r): r is DeviceRecord => r.kind === "device" && r.idstr === "cpu")!;
  const field = findField(cpu.fields!, "cpreg_vmstate_array_len")!;
  const out = readSample(name).slice();
  new DataView(out.buffer).setUint32(cpu.start + field.start, count);
  return out;
}

describe("RAM records with an empty payload", () => {
  it("verify reports a compressed page of length 0 as a problem, not an internal error", async () => {
    const name = "aarch64-virt-compress.mig";
    const rec = await firstRam(name, "compressed");
    const lengthAt = rec.end - rec.payload!.length - 4;
    const r = await runMain(inspectMain, ["verify", "-"], { stdin: [splice(readSample(name), lengthAt, rec.end - lengthAt, [0, 0, 0, 0])] });
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(1);
    expect(r.printed).toMatch(/compressed page is not a zlib stream/);
  });

  it("verify gives a clean error for a zero page turned into an XBZRLE record (flags 0x22 -> 0x120)", async () => {
    const name = "aarch64-virt-xbzrle.mig";
    const zero = (await sampleRecords(name)).find((r): r is RamRecord => r.kind === "ram" && r.type === "zero" && r.continued)!;
    const bytes = readSample(name).slice();
    bytes[zero.start + 6] = bytes[zero.start + 6]! | 0x01;
    bytes[zero.start + 7] = 0x20;
    const r = await runMain(inspectMain, ["verify", "-"], { stdin: [bytes] });
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(1);
  });

  it("verify accepts an XBZRLE delta of length 0 (QEMU applies it as no change)", async () => {
    const name = "aarch64-virt-xbzrle.mig";
    const rec = await firstRam(name, "xbzrle");
    const lengthAt = rec.end - rec.payload!.length - 2;
    const r = await runMain(inspectMain, ["verify", "-"], { stdin: [splice(readSample(name), lengthAt, rec.end - lengthAt, [0, 0])] });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });
});

describe("a cpreg count that disagrees with the vmdesc", () => {
  // 258 registers in the sample: one fewer, and a count far beyond the section.
  describe.each([257, 0x10000000])("cpreg_vmstate_array_len = %i", (count) => {
    const commands: [string, typeof inspectMain, string[]][] = [
      ["summary", inspectMain, ["summary", "-"]],
      ["cpregs --json", inspectMain, ["cpregs", "--json", "-"]],
      ["rewrite -o", rewriteMain, ["-o", join(dir, `copy-${count}.mig`)]],
      ["rewrite --set", rewriteMain, ["-o", join(dir, `set-${count}.mig`), "--set", "ID_DFR0_EL1=0"]],
    ];
    it.each(commands)("%s refuses it as verify does (exit 1, nothing written)", async (_, main, argv) => {
      const bytes = await withCpregCount("aarch64-virt-7.2-a57.mig", count);
      const r = await runMain(main, argv, { stdin: [bytes] });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`cpreg_vmstate_array_len is ${count} but the vmdesc describes 258 elements`));
      const out = argv[argv.indexOf("-o") + 1];
      if (argv.includes("-o")) expect(existsSync(out!)).toBe(false);
      const v = await runMain(inspectMain, ["verify", "--json", "-"], { stdin: [bytes] });
      expect(v.code).toBe(1);
      expect(v.printed).toMatch(/"ARRAY_LEN"/);
    });
  });
});

describe("a cpreg count beyond any limit in a stream without vmdesc (found by the fuzzer, seed 11)", () => {
  it.each([
    ["summary", inspectMain, ["summary", "-"]],
    ["rewrite", rewriteMain, ["-o", join(dir, "no-vmdesc-count.mig")]],
  ] as [string, typeof inspectMain, string[]][])("%s refuses it as verify does, not carrying the cpu section opaque", async (_, main, argv) => {
    const r = await runMain(main, argv, { stdin: [await withCpregCount("v11-aarch64-virt-7.2-a57-no-vmdesc.mig", 0x10000000)] });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cpreg_vmstate_array_len 268435456 exceeds 65536 in cpu \(0\) \/ cpreg_vmstate_array_len at offset/);
  });
});

describe("a stream without vmdesc or footers", () => {
  /** The no-footer sample cut at a 0x00 byte inside the arm_gic section: the cut reads as the EOF byte. */
  function cutInsideDeviceState(): Uint8Array {
    const bytes = readSample("aarch64-virt-no-footer-no-config.mig");
    let at = 0x61813 + 100;
    while (bytes[at - 1] !== 0) at++;
    return bytes.subarray(0, at);
  }

  it.each([
    ["summary", inspectMain, ["summary", "-"]],
    ["sections", inspectMain, ["sections", "-"]],
    ["cpregs", inspectMain, ["cpregs", "-"]],
    ["rewrite", rewriteMain, ["-o", join(dir, "cut.mig")]],
  ] as [string, typeof inspectMain, string[]][])("%s warns that the device state is not verified", async (_, main, argv) => {
    const r = await runMain(main, argv, { stdin: [cutInsideDeviceState()] });
    expect(r.stderr).toMatch(/warning: <stdin>: device state not verified \(cannot find where section 'timer \(0\)' ends/);
  });

  it("report says it on stderr and on the page, as a visible alert beside the damage notes", async () => {
    const page = join(dir, "unverified.html");
    const r = await runMain(inspectMain, ["report", "-", "-o", page], { stdin: [cutInsideDeviceState()] });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: <stdin>: device state not verified \(cannot find where section 'timer \(0\)' ends/);
    const html = readFileSync(page, "utf8");
    expect(html).toMatch(/<div class="damage unverified" role="alert">warning: &lt;stdin&gt;: device state not verified \(cannot find where section &#39;timer \(0\)&#39; ends[^<]*<\/div>/);
    // A stream that can be checked gets no such alert.
    await runMain(inspectMain, ["report", "samples/aarch64-virt-no-footer-no-config.mig", "-o", page]);
    expect(readFileSync(page, "utf8")).not.toMatch(/not verified/);
  });

  it("rewrite --strict refuses it", async () => {
    const r = await runMain(rewriteMain, ["-o", join(dir, "strict.mig"), "--hide", "ID_DFR0_EL1", "--strict"], { stdin: [cutInsideDeviceState()] });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/not verified/);
    expect(existsSync(join(dir, "strict.mig"))).toBe(false);
  });
});

describe("names from the stream are shown escaped", () => {
  /** A sample with its section 'timer' renamed to ESC [ 2 J LF, of the same length. */
  async function hostileNames(name: string): Promise<Uint8Array> {
    const timer = (await sampleRecords(name)).find((r) => r.kind === "section" && r.idstr === "timer")!;
    const bytes = Buffer.from(readSample(name));
    // FULL header: type, be32 section id, name length, name.
    bytes.write("\x1b[2J\n", timer.start + 6, "latin1");
    return bytes;
  }
  const raw = /[\x00-\x08\x0b-\x1f\x7f]/;

  // Without a vmdesc the name is listed; with one, the vmdesc describes no such section.
  it.each([
    ["summary", inspectMain, ["summary", "-"], "aarch64-virt-no-vmdesc.mig"],
    ["summary --json", inspectMain, ["summary", "--json", "-"], "aarch64-virt-no-vmdesc.mig"],
    ["sections", inspectMain, ["sections", "-"], "aarch64-virt-no-vmdesc.mig"],
    ["sections --json", inspectMain, ["sections", "--json", "-"], "aarch64-virt-no-vmdesc.mig"],
    ["dump", inspectMain, ["dump", "-"], "aarch64-virt-no-vmdesc.mig"],
    ["summary's error", inspectMain, ["summary", "-"], "aarch64-virt-7.2-a57.mig"],
    ["verify", inspectMain, ["verify", "-"], "aarch64-virt-7.2-a57.mig"],
    ["verify --json", inspectMain, ["verify", "--json", "-"], "aarch64-virt-7.2-a57.mig"],
    ["rewrite's error", rewriteMain, ["-o", join(dir, "names.mig"), "--hide", "ID_DFR0_EL1"], "aarch64-virt-7.2-a57.mig"],
  ] as [string, typeof inspectMain, string[], string][])("%s", async (_, main, argv, sample) => {
    const r = await runMain(main, argv, { stdin: [await hostileNames(sample)] });
    expect(r.printed + r.stderr).not.toMatch(raw);
    // In JSON the backslash of each escape is itself escaped.
    expect(r.printed + r.stderr).toMatch(/\\{1,2}x1b\[2J\\{1,2}n/);
  });

  it("cuts a long name", async () => {
    const { printable } = await import("@vmstate/wire");
    expect(printable("a".repeat(300))).toBe(`${"a".repeat(120)}…(180 more)`);
    expect(printable("\x1b[2J\0\n\u202e\x9b")).toBe("\\x1b[2J\\0\\n\\u{202e}\\x9b");
    expect(printable(printable("\x1b"))).toBe("\\x1b");
  });
});

describe("faults around the stream", () => {
  const bins = join(import.meta.dirname, "../packages/cli/bin");

  it.each([
    ["vmstate-inspect", ["summary", "samples/aarch64-virt-7.2-a57.mig"]],
    ["vmstate-rewrite", ["-i", "samples/aarch64-virt-7.2-a57.mig"]],
    ["vmstate-inspect", ["--help"]],
    ["vmstate-inspect", ["--version"]],
    ["vmstate-inspect", ["summary", "--help"]],
    ["vmstate-rewrite", ["--help"]],
    ["vmstate-rewrite", ["--version"]],
  ])("%s %j with standard output closed (>&-) fails with exit 3, and not with > /dev/null", (bin, argv) => {
    const cwd = join(import.meta.dirname, "..");
    const run = (redirect: string) => spawnSync("sh", ["-c", `node "$0" "$@" ${redirect}`, join(bins, `${bin}.cjs`), ...argv], { cwd, encoding: "utf8" });
    const closed = run(">&-");
    expect(closed.stderr).toBe(`${bin}: cannot write standard output: it is closed (>&-); redirect it to a file or to /dev/null\n`);
    expect(closed.status).toBe(3);
    expect(run("> /dev/null").status).toBe(0);
  });

  it.each([
    ["vmstate-inspect", inspectMain, ["summary"]],
    ["vmstate-rewrite", rewriteMain, ["-o", join(dir, "from-dir.mig"), "-i"]],
  ] as [string, typeof inspectMain, string[]][])("%s names a directory given as input (exit 3)", async (bin, main, argv) => {
    const r = await runMain(main, [...argv, dir]);
    expect(r.stderr).toBe(`${bin}: cannot read ${dir}: Is a directory\n`);
    expect(r.code).toBe(3);
  });

  /** The real file system, but a full disk for files whose name starts with `name` (what ENOSPC leaves: a short file). */
  function fullDiskFor(name: string): CliFs {
    const full = new Set<number>();
    return {
      ...nodeFs,
      openSync(path: string, flags: string, mode?: number) {
        const fd = nodeFs.openSync(path, flags, mode);
        if (path.split("/").at(-1)!.startsWith(name)) full.add(fd);
        return fd;
      },
      writeSync(fd: number, buf: Uint8Array, off?: number, len?: number, pos?: number | null) {
        if (!full.has(fd)) return nodeFs.writeSync(fd, buf, off, len, pos);
        nodeFs.writeSync(fd, buf, off, Math.min(len ?? buf.length, 100), pos); // a part, then no room
        throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC", syscall: "write", errno: -28 });
      },
    } as unknown as CliFs;
  }

  it.each([
    ["a failed rewrite", 1, 257],
    ["a rewrite that succeeds", 3, 258],
  ])("--report-json on a full disk, after %s: no report left, not even a 0-byte or partial one (exit %i)", async (_, code, count) => {
    const report = join(dir, "report.json");
    const bytes = await withCpregCount("aarch64-virt-7.2-a57.mig", count);
    const r = await runMain(rewriteMain, ["-o", join(dir, `out-${count}.mig`), "--hide", "ID_DFR0_EL1", "--report-json", report], { stdin: [bytes], fs: fullDiskFor("report.json") });
    expect(r.code).toBe(code);
    expect(r.stderr).toContain(`cannot write ${report}: No space left on device`);
    expect(readdirSync(dir).filter((f) => f.startsWith("report.json"))).toEqual([]);
  });

  it("report -o on a full disk leaves no HTML page behind", async () => {
    const page = join(dir, "page.html");
    const r = await runMain(inspectMain, ["report", "samples/aarch64-virt-7.2-a57.mig", "-o", page], { fs: fullDiskFor("page.html") });
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(`vmstate-inspect: cannot write ${page}: No space left on device\n`);
    expect(readdirSync(dir).filter((f) => f.startsWith("page.html"))).toEqual([]);
  });

  it.each([
    ["vmstate-rewrite --report-json", rewriteMain, (to: string) => ["-i", "samples/aarch64-virt-7.2-a57.mig", "-o", join(dir, "to-full.mig"), "--hide", "ID_DFR0_EL1", "--report-json", to]],
    ["vmstate-inspect report -o", inspectMain, (to: string) => ["report", "samples/aarch64-virt-7.2-a57.mig", "-o", to]],
  ] as const)("%s writes into a device through a symbolic link, as -o does (/dev/full: exit 3, the link kept)", async (_, main, argv) => {
    const link = join(dir, "to-dev-full");
    rmSync(link, { force: true });
    nodeFs.symlinkSync("/dev/full", link);
    const r = await runMain(main, argv(link));
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(new RegExp(`cannot write ${link}: No space left on device\n$`));
    expect(nodeFs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(nodeFs.statSync("/dev/full").isCharacterDevice()).toBe(true);
  });
});

describe("the vmdesc against the rest of the stream (found by the fuzzer, seed 20261204)", () => {
  /** The QEMU 11.1 sample with `from` replaced by `to` (same length) in its vmdesc. */
  function edited(from: string, to: string): Uint8Array {
    const bytes = Buffer.from(readSample("v11-aarch64-virt-7.2-a57.mig"));
    const at = bytes.lastIndexOf(from, undefined, "latin1");
    bytes.write(to, at, "latin1");
    return bytes;
  }

  it.each([
    ["the configuration entry's field size", '{"name": "name", "type": "buffer", "size": 8}', '{"name": "name", "type": "buffer", "size": 9}', /expected subsection "configuration\/target-page-bits" \(byte 0x05\), found 0x1e in configuration/],
    ["the page size", '"page_size": 4096', '"page_size": 8192', /the vmdesc says page_size 8192, the stream's RAM uses 4096-byte pages in vmdesc \/ page_size/],
  ])("%s: summary and rewrite refuse what verify reports", async (_, from, to, message) => {
    const bytes = edited(from, to);
    const v = await runMain(inspectMain, ["verify", "-"], { stdin: [bytes] });
    expect(v.code).toBe(1);
    for (const [main, argv] of [[inspectMain, ["summary", "-"]], [rewriteMain, ["-o", join(dir, "vmdesc-edit.mig")]]] as const) {
      const r = await runMain(main, [...argv], { stdin: [bytes] });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(message);
    }
    expect(existsSync(join(dir, "vmdesc-edit.mig"))).toBe(false);
  });
});

describe("found by the extended fuzzer (libvirt images, mapped-ram files)", () => {
  it("a compressed image whose compressed bytes are damaged: one line with the offset where decompression stopped", async () => {
    const image = Buffer.from(readFileSync(join(SAMPLES_DIR, "libvirt/zstd.sav")));
    image[70031] = image[70031]! ^ 0x10; // the fuzzer's mutant (seed 7): a checksum mismatch for zstd
    const path = join(dir, "damaged-zstd.sav");
    writeFileSync(path, image);
    for (const [bin, main, argv] of [
      ["vmstate-inspect", inspectMain, ["summary", path]],
      ["vmstate-rewrite", rewriteMain, ["-i", path, "-o", join(dir, "from-damaged.sav")]],
    ] as const) {
      const r = await runMain(main, [...argv]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^${bin}: the zstd QEMU stream of this libvirt image does not decompress: zstd -dc: .* in libvirt image at offset 0x[0-9a-f]+ \\(\\d+\\) of the decompressed image\\n$`));
    }
    expect(existsSync(join(dir, "from-damaged.sav"))).toBe(false);
  });

  it("verify of a mapped-ram file (274 MB, 128 MiB guest) stays far under the memory bound", () => {
    const file = expandedSample("newer-aarch64-virt-mapped-ram.mig");
    const r = spawnSync("/usr/bin/time", ["-f", "%M", process.execPath, join(import.meta.dirname, "../packages/cli/bin/vmstate-inspect.cjs"), "verify", file], { encoding: "utf8" });
    expect(r.stdout).toMatch(/: ok \(274765988 bytes/);
    // Its block list record spans every page area: held whole, it took verify to 335 MiB.
    const mib = Number(r.stderr.trim().split("\n").at(-1)) / 1024;
    expect(mib).toBeLessThan(256);
  });
});

// Found by the 10,000-mutant run with seed 20261207 (mutant 5345, a byte of libvirt 11's
// sparse image): verify --json printed no document, since the header was read before verify.
describe("a libvirt header that does not say what compressed its stream", () => {
  it.each([
    ["raw", 17, 0x80, "BAD_VERSION", 16, "libvirt save-image version 41943040, expected 2"],
    ["gzip", 17, 0x80, "BAD_VERSION", 16, "libvirt save-image version 41943040, expected 2"],
    ["gzip", 28, 0x09, "MALFORMED", 28, "unknown libvirt save-image format 9"],
  ] as const)("%s image, byte %i set to %i: verify reports %s as a problem (JSON too), the others the same error line", async (format, at, value, code, offset, message) => {
    const bytes = readSample(`libvirt/${format}.sav`).slice();
    bytes[at] = value;
    const input = join(dir, `bad-header-${format}-${at}.sav`);
    writeFileSync(input, bytes);
    const verify = await runMain(inspectMain, ["verify", "--json", input]);
    expect(verify.code).toBe(1);
    expect(JSON.parse(verify.printed).problems).toEqual([{ offset, path: "libvirt header", code, message }]);
    for (const argv of [["summary", input], ["cpregs", input], ["sections", input]]) {
      const r = await runMain(inspectMain, argv);
      expect(r.code, argv[0]).toBe(1);
      expect(r.stderr.trim().split("\n").at(-1), argv[0]).toBe(`vmstate-inspect: ${message} in libvirt header at offset 0x${offset.toString(16)} (${offset})`);
    }
    const w = await runMain(rewriteMain, ["-i", input, "-o", join(dir, "bad-header-out.sav")]);
    expect(w.code).toBe(1);
    expect(w.stderr).toContain(message);
    expect(existsSync(join(dir, "bad-header-out.sav"))).toBe(false);
  });
});

describe("a file as input: the RAM records are read only with --check-ram (README)", () => {
  it("a damaged RAM record passes rewrite -i FILE (copied unread), and --check-ram refuses it as summary does", async () => {
    const name = "aarch64-virt-7.2-a57.mig";
    const zero = (await sampleRecords(name)).find((r): r is RamRecord => r.kind === "ram" && r.type === "zero" && r.continued)!;
    const bytes = readSample(name).slice();
    bytes[zero.start + 6] = bytes[zero.start + 6]! | 0x01; // flags 0x22 -> 0x120: no such record
    bytes[zero.start + 7] = 0x20;
    const input = join(dir, "bad-ram.mig");
    writeFileSync(input, bytes);
    const copied = await runMain(rewriteMain, ["-i", input, "-o", join(dir, "bad-ram-copy.mig")]);
    expect(copied.code).toBe(0);
    expect(Buffer.from(readFileSync(join(dir, "bad-ram-copy.mig"))).equals(bytes)).toBe(true);
    const message = new RegExp(`unknown combination of RAM flags 0x\\w+ in ram \\(0\\) \\w+ at offset 0x[0-9a-f]+`);
    const checked = await runMain(rewriteMain, ["-i", input, "-o", join(dir, "bad-ram-checked.mig"), "--check-ram"]);
    expect(checked.code).toBe(1);
    expect(checked.stderr).toMatch(message);
    expect(existsSync(join(dir, "bad-ram-checked.mig"))).toBe(false);
    const summary = await runMain(inspectMain, ["summary", input]);
    expect(summary.code).toBe(1);
    expect(summary.stderr).toMatch(message);
  });

  // Found by the 10,000-mutant run with seed 20261207 (mutant 2609).
  it("a zero page turned into an end-of-section word, its fill byte then read as EOF: refused when read through, copied by rewrite -i FILE", async () => {
    const name = "aarch64-virt-no-footer-no-config.mig";
    const zero = (await sampleRecords(name)).find((r): r is RamRecord => r.kind === "ram" && r.type === "zero" && r.continued)!;
    const bytes = readSample(name).slice();
    bytes[zero.start + 6] = bytes[zero.start + 6]! & ~0x01; // flags 0x22 -> 0x10 (RAM_SAVE_FLAG_EOS)
    bytes[zero.start + 7] = 0x10;
    expect(bytes[zero.start + 8]).toBe(0); // the fill byte: QEMU_VM_EOF where a section type is read
    const input = join(dir, "early-eof.mig");
    writeFileSync(input, bytes);
    const eof = zero.start + 8;
    const message = new RegExp(`${bytes.length - eof - 1} unexpected bytes after the EOF byte \\(expected a vmdesc, 0x06\\) at offset 0x${(eof + 1).toString(16)} \\(${eof + 1}\\)$`);
    for (const argv of [["summary", input], ["dump", input], ["summary", "-"]]) {
      const r = await runMain(inspectMain, argv, { stdin: [bytes] });
      expect(r.code, argv.join(" ")).toBe(1);
      expect(r.stderr.trim()).toMatch(message);
    }
    const streamed = await runMain(rewriteMain, ["-o", join(dir, "early-eof-streamed.mig")], { stdin: [bytes] });
    expect(streamed.code).toBe(1);
    expect(streamed.stderr.trim()).toMatch(message);
    expect(existsSync(join(dir, "early-eof-streamed.mig"))).toBe(false);
    const copied = await runMain(rewriteMain, ["-i", input, "-o", join(dir, "early-eof-copy.mig")]);
    expect(copied.code).toBe(0);
    expect(Buffer.from(readFileSync(join(dir, "early-eof-copy.mig"))).equals(bytes)).toBe(true);
    const checked = await runMain(rewriteMain, ["-i", input, "-o", join(dir, "early-eof-checked.mig"), "--check-ram"]);
    expect(checked.code).toBe(1);
    expect(checked.stderr.trim()).toMatch(message);
  });
});

describe("a RAM block name with terminal controls and a newline, 255 bytes long", () => {
  // The sample with its main RAM block renamed everywhere (block list and records): still a valid stream.
  const name = Buffer.concat([Buffer.from("\x1b[2J\x1b]0;pwned\x07\n\0\r", "latin1"), Buffer.alloc(255 - 17, "A")]);
  const sample = Buffer.from(readSample("aarch64-virt-7.2-a57.mig"));
  const renamed = Buffer.from(sample.toString("latin1").replaceAll("\x0dmach-virt.ram", `\xff${name.toString("latin1")}`), "latin1");
  const file = join(dir, "hostile-block.mig");
  const shown = "\\x1b[2J\\x1b]0;pwned\\x07\\n\\0\\r" + "A".repeat(120 - 17) + "…(135 more)";

  it.each([
    ["sections --all", ["sections", "--all"]],
    ["sections --all --json", ["sections", "--all", "--json"]],
    ["dump", ["dump"]],
    ["extract-ram --json", ["extract-ram", "--json", "FILE", join(dir, "hostile-ram")]],
    ["diff", ["diff", join(SAMPLES_DIR, "aarch64-virt-7.2-a57.mig")]],
    ["diff --json", ["diff", "--json", join(SAMPLES_DIR, "aarch64-virt-7.2-a57.mig")]],
    ["explain --json", ["explain", "--json", "--dest", join(SAMPLES_DIR, "aarch64-virt-7.2-a57.mig")]],
  ])("%s shows it escaped (the newline too) and cut, in text and in JSON strings alike", async (_, argv) => {
    writeFileSync(file, renamed);
    const args = argv.includes("FILE") ? argv.map((a) => (a === "FILE" ? file : a)) : [...argv, file];
    const r = await runMain(inspectMain, args);
    expect(r.stderr).not.toMatch(/internal error/);
    const strings = argv.includes("--json") ? jsonStrings(JSON.parse(r.printed)) : r.printed.split("\n");
    expect(strings.some((s) => s.includes(shown))).toBe(true);
    for (const s of strings) expect(s).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f]|pwned\\x07\n|^\\0\\rAAA/);
    // Cut wherever it is shown (extract-ram's file name, made of its safe characters, is a file name, not a quote).
    for (const s of strings.filter((s) => s.includes("pwned") && !s.endsWith(".bin"))) expect(s).not.toContain("A".repeat(121));
  });
});

function jsonStrings(v: unknown): string[] {
  if (typeof v === "string") return [v];
  if (v === null || typeof v !== "object") return [];
  return (Array.isArray(v) ? v : Object.values(v)).flatMap(jsonStrings);
}

describe("cpregs --json on a stream cut inside its register lists", () => {
  it("gives the lists read before the cut with complete: false, then the error (exit 1)", async () => {
    const name = "aarch64-virt-max-4cpu.mig";
    const cpus = (await sampleRecords(name)).filter((r): r is DeviceRecord => r.kind === "device" && r.idstr === "cpu");
    expect(cpus.length).toBe(4);
    const third = cpus[2]!;
    const cut = readSample(name).subarray(0, Math.floor((third.start + third.end) / 2));
    const r = await runMain(inspectMain, ["cpregs", "--json", "-"], { stdin: [cut] });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/at offset 0x[0-9a-f]+ \(\d+\)\n$/);
    const doc = JSON.parse(r.printed) as { complete: boolean; cpus: { instance_id: number }[] };
    expect(doc.complete).toBe(false);
    expect(doc.cpus.map((c) => c.instance_id)).toEqual([0, 1]);
    const whole = JSON.parse((await runMain(inspectMain, ["cpregs", "--json", "-"], { stdin: [readSample(name)] })).printed) as typeof doc;
    expect(whole.complete).toBe(true);
    expect(whole.cpus.length).toBe(4);
  });
});

describe("a vmdesc announcing more JSON than vmstate reads", () => {
  /** The sample with 440,000 more device entries in its vmdesc (20 to 40 MiB of JSON), its length word following. */
  function hugeVmdesc(): Uint8Array {
    const bytes = readSample("aarch64-virt-7.2-a57.mig");
    const frame = locateVmdesc(bytes)!;
    const doc = JSON.parse(Buffer.from(frame.json).toString("latin1")) as { devices: object[] };
    for (let i = 0; i < 440_000; i++) doc.devices.push({ name: `x${i}`, instance_id: 0, vmsd_name: "x", version: 1, fields: [] });
    const json = Buffer.from(JSON.stringify(doc), "latin1");
    const word = Buffer.alloc(4);
    word.writeUInt32BE(json.length);
    return Buffer.concat([bytes.subarray(0, frame.vmdesc + 1), word, json]);
  }

  it("is refused from its length word, each command far under the memory bound (it once buffered up to --max-tail of it)", () => {
    const file = join(dir, "huge-vmdesc.mig");
    writeFileSync(file, hugeVmdesc());
    const bins = join(import.meta.dirname, "../packages/cli/bin");
    for (const [bin, argv, stdin] of [
      ["vmstate-inspect", ["verify", file], false],
      ["vmstate-inspect", ["summary", file], false],
      ["vmstate-rewrite", ["-i", file, "-o", join(dir, "huge-out.mig"), "--hide", "ID_DFR0_EL1"], false],
      ["vmstate-rewrite", ["-o", join(dir, "huge-out.mig"), "--hide", "ID_DFR0_EL1"], true],
    ] as const) {
      const r = spawnSync("sh", ["-c", `/usr/bin/time -f %M "$@"${stdin ? ` < "${file}"` : ""}`, "sh", process.execPath, join(bins, `${bin}.cjs`), ...argv], { encoding: "utf8" });
      expect(r.status).toBe(1);
      const lines = r.stderr.trim().split("\n");
      expect(r.stdout + r.stderr).toMatch(/the vmdesc is (2\d|3\d)\.\d MiB of JSON, more than the 16\.0 MiB vmstate reads/);
      expect(r.stdout + r.stderr).toMatch(/0x0*64346/);
      // Measured: 62 to 71 MiB through a walk, 96 MiB for -i FILE (its last 16 MiB read to look for the vmdesc).
      expect(Number(lines.at(-1)) / 1024).toBeLessThan(128);
    }
    expect(existsSync(join(dir, "huge-out.mig"))).toBe(false);
  });
});
