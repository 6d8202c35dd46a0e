/**
 * Real `virsh save` images (samples/libvirt/: libvirt 9.0's by tools/make-libvirt-images.ts,
 * libvirt 11.3's zstd and sparse by tools/make-libvirt11-images.ts): what they hold, checked
 * without libvirt. The header is read here by hand from libvirt's layout (qemu_saveimage.h),
 * independently of our decoder; our decoder's XML is compared with what
 * `virsh save-image-dumpxml` printed for the same image; `summary`, `xml` and `cpregs` read
 * every format (the compressed ones through the program libvirt ran, the sparse one as QEMU's
 * mapped-ram file after the XML area), the zstd one through every command as its raw twin; the
 * sparse one's layout is read here by hand and our commands are checked against it.
 */
import { createHash } from "node:crypto";
import { closeSync, createReadStream, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { inspectMain, rewriteMain } from "@vmstate/cli";
import { imagePath, LIBVIRT11_SAVE_FORMATS, readLibvirtImages, SAVE_FORMATS, type LibvirtImageEntry } from "../tools/libvirt/images.js";
import { GUEST_NAME } from "../tools/libvirt/guest.js";
import { decodeAll, equalBytes } from "./support/decode.js";
import { runMain } from "./support/cli.js";
import { run } from "./support/libvirt.js";
import { expandedSample } from "./support/packed-samples.js";
import { asRawOutput, SAME_OUTPUT_COMMANDS } from "./support/compressed-output.js";

const { guest, images, libvirt11 } = readLibvirtImages();
const ZSTD = libvirt11.images.find((i) => i.format === "zstd")!;
const SPARSE = libvirt11.images.find((i) => i.format === "sparse")!;
/** Every image. */
const ALL = [...images, ...libvirt11.images];

/** libvirt's virQEMUSaveFormat numbering (qemu_saveimage_format.h in later releases). */
const FORMAT_WORD = { raw: 0, gzip: 1, bzip2: 2, xz: 3, lzop: 4, zstd: 5, sparse: 6 } as const;

/** Where an image is: a packed one expanded from its archive (holes kept). */
const fileOf = (image: LibvirtImageEntry): string => (image.archive ? expandedSample(`libvirt/${image.file}`) : imagePath(image.file));

/** `n` bytes of a file from `at` (the sparse image is 260 MiB: no need to read it all). */
function head(path: string, n = 1 << 20, at = 0): Buffer {
  const fd = openSync(path, "r");
  try {
    const b = Buffer.alloc(n);
    return b.subarray(0, readSync(fd, b, 0, n, at));
  } finally {
    closeSync(fd);
  }
}

async function sha256(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

const dir = mkdtempSync(join(tmpdir(), "vmstate-libvirt-images-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * `virsh save-image-dumpxml` parses the stored XML and formats it again: it adds the default
 * `<audio type='none'/>` device that libvirt leaves out of the migratable XML it stores, and
 * ends with a blank line. Those are the only differences.
 */
function asStored(dumpxml: string): string {
  return dumpxml.replace(/^ *<audio id='1' type='none'\/>\n/m, "").replace(/\n$/, "");
}

function header(bytes: Buffer) {
  return {
    magic: bytes.toString("latin1", 0, 16),
    version: bytes.readUInt32LE(16),
    dataLen: bytes.readUInt32LE(20),
    wasRunning: bytes.readUInt32LE(24),
    format: bytes.readUInt32LE(28),
    xml: bytes.toString("utf8", 92, bytes.indexOf(0, 92)),
  };
}

describe("real virsh save images", () => {
  it("cover every format libvirt 9.0 writes, each as recorded", () => {
    expect(images.map((i) => i.format)).toEqual([...SAVE_FORMATS]);
    for (const image of images) {
      const bytes = readFileSync(imagePath(image.file));
      expect(bytes.length).toBe(image.bytes);
      expect(createHash("sha256").update(bytes).digest("hex")).toBe(image.sha256);
    }
  });

  it("cover the formats libvirt 11 added, made by libvirt 11.3 with QEMU 11.1, each as recorded; sparse expanded with its holes", async () => {
    expect(libvirt11.images.map((i) => i.format)).toEqual([...LIBVIRT11_SAVE_FORMATS]);
    for (const image of libvirt11.images) {
      expect(image.libvirt).toMatch(/^11\./);
      expect(image.qemu).toMatch(/version 11\./);
      expect(statSync(fileOf(image)).size).toBe(image.bytes);
      expect(await sha256(fileOf(image))).toBe(image.sha256);
    }
    // Guest RAM and both flash devices at their mapped-ram offsets: 256 MiB and more, almost all holes.
    expect(SPARSE.bytes).toBeGreaterThan(256 << 20);
    expect(statSync(fileOf(SPARSE)).blocks * 512).toBeLessThan(4 << 20);
  });

  it.each(ALL)("$file: a complete version-2 header of a running guest, format word $formatWord", (image) => {
    const h = header(head(fileOf(image)));
    expect(h).toMatchObject({ magic: "LibvirtQemudSave", version: 2, wasRunning: 1, format: FORMAT_WORD[image.format] });
    expect(h.format).toBe(image.formatWord);
    expect(h.xml).toContain(`<name>${GUEST_NAME}</name>`);
    expect(h.xml).toContain(`machine='${guest.machine}'`);
  });

  it.each(ALL)("$file: the stored XML is what virsh save-image-dumpxml printed, as libvirt formats it", (image) => {
    const h = header(head(fileOf(image)));
    const dumpxml = readFileSync(imagePath(image.dumpxml), "utf8");
    expect(dumpxml).not.toBe(h.xml);
    expect(asStored(dumpxml)).toBe(h.xml);
  });

  it("raw: our decoder reads the header and XML as libvirt wrote them", async () => {
    const image = images.find((i) => i.format === "raw")!;
    const bytes = readFileSync(imagePath(image.file));
    const [first] = await decodeAll([new Uint8Array(bytes)]);
    expect(first).toMatchObject({ kind: "libvirt", complete: true, wasRunning: true, format: "raw", endianness: "little" });
    if (first?.kind !== "libvirt") throw new Error("no libvirt record");
    expect(first.domainXml).toBe(asStored(readFileSync(imagePath(image.dumpxml), "utf8")));
    expect(first.cookieXml).toContain("<cookie>");
  });

  it.each(ALL)("$format: vmstate-inspect xml prints the stored XML, as virsh save-image-dumpxml less its re-formatting", async (image) => {
    const r = await runMain(inspectMain, ["xml", fileOf(image)]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.printed).toBe(asStored(readFileSync(imagePath(image.dumpxml), "utf8")));
  });

  it.each(ALL)("$format: summary shows the format, the domain, the machine and where the stream starts", async (image) => {
    const r = await runMain(inspectMain, ["summary", "--json", fileOf(image)]);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.printed);
    const dataLen = header(head(fileOf(image))).dataLen;
    expect(s.libvirt).toEqual({ complete: true, wasRunning: true, format: image.format, domain: GUEST_NAME, streamOffset: 92 + dataLen });
    expect(s.machine).toBe(guest.machine);
    expect(s.ram.find((b: { name: string }) => b.name === "mach-virt.ram").size).toBe(guest.memoryMiB << 20);
  });

  it.each(ALL)("$format: cpregs lists the cortex-a57 vCPU's registers, without KVM_REG_ARM_VENDOR_HYP_BMAP_2", async (image) => {
    const r = await runMain(inspectMain, ["cpregs", "--json", fileOf(image)]);
    expect(r.code, r.stderr).toBe(0);
    const { cpus } = JSON.parse(r.printed);
    expect(cpus).toHaveLength(1);
    expect(cpus[0].count).toBe(cpus[0].registers.length);
    expect(cpus[0].registers.map((x: { name: string }) => x.name)).toContain("SCTLR_EL1");
    expect(cpus[0].registers.map((x: { id: string }) => x.id)).not.toContain("0x6030000000160003");
  });

  it("every libvirt 9.0 format holds the same register list as the raw image (one guest, saved five times)", async () => {
    const ids = async (file: string) => {
      const r = await runMain(inspectMain, ["cpregs", "--json", imagePath(file)]);
      return JSON.parse(r.printed).cpus[0].registers.map((x: { id: string }) => x.id);
    };
    const raw = await ids("raw.sav");
    expect(raw.length).toBeGreaterThan(200);
    for (const image of images) expect(await ids(image.file)).toEqual(raw);
  });
});

describe("libvirt 11's zstd image", () => {
  const streamAt = 92 + header(head(imagePath(ZSTD.file))).dataLen;
  const image = readFileSync(imagePath(ZSTD.file));
  /** QEMU's stream as libvirt restores it: the same zstd, run as libvirt runs it. */
  const stream = run("zstd", ["-dc"], image.subarray(streamAt));
  // The raw twin: libvirt's header and XML area with format word 0, then the stream stored as is.
  const twinHead = Buffer.from(image.subarray(0, streamAt));
  twinHead.writeUInt32LE(FORMAT_WORD.raw, 28);
  // Same-length paths, so column widths cannot differ.
  const ZST = join(dir, "zstd.sav");
  const RAW = join(dir, "raw_.sav");
  writeFileSync(ZST, image);
  writeFileSync(RAW, Buffer.concat([twinHead, stream]));

  it.each(SAME_OUTPUT_COMMANDS)("%s %s %s: the same output as its stream stored raw", async (...cmd) => {
    const raw = await runMain(inspectMain, [...cmd, RAW]);
    const z = await runMain(inspectMain, [...cmd, ZST]);
    expect(raw.code, raw.stderr).toBe(0);
    expect(z.code, z.stderr).toBe(0);
    expect(asRawOutput(z.printed, "zstd", ZST, RAW)).toBe(raw.printed);
    expect(asRawOutput(z.stderr, "zstd", ZST, RAW)).toBe(raw.stderr);
  });

  it("diff against its raw twin finds nothing, and explain says the twin loads it", async () => {
    const d = await runMain(inspectMain, ["diff", "--exit-code", ZST, RAW]);
    expect(d.code, d.printed + d.stderr).toBe(0);
    const e = await runMain(inspectMain, ["explain", ZST, "--dest", RAW]);
    expect(e.code, e.printed + e.stderr).toBe(0);
  });

  it("--add then --hide in place gives back libvirt's header and XML, and QEMU's stream, byte for byte", async () => {
    const file = join(dir, "roundtrip-zstd.sav");
    writeFileSync(file, image);
    const BMAP_2 = "0x6030000000160003";
    const added = await runMain(rewriteMain, ["--add", `${BMAP_2}=0`, "--in-place", "-i", file]);
    expect(added.code, added.stderr).toBe(0);
    const withExtra = readFileSync(file);
    expect(equalBytes(run("zstd", ["-dc"], withExtra.subarray(streamAt)), stream)).toBe(false);
    const hidden = await runMain(rewriteMain, ["--hide", BMAP_2, "--in-place", "-i", file]);
    expect(hidden.code, hidden.stderr).toBe(0);
    const back = readFileSync(file);
    expect(equalBytes(back.subarray(0, streamAt), image.subarray(0, streamAt))).toBe(true);
    expect(equalBytes(run("zstd", ["-dc"], back.subarray(streamAt)), stream)).toBe(true);
  });
});

describe("libvirt 11's sparse image (QEMU's mapped-ram)", () => {
  const path = fileOf(SPARSE);
  const first = head(path);
  const streamAt = 92 + header(first).dataLen;

  /** Where a RAM block's used length is, after its length-prefixed name in the block list. */
  const entryAt = (name: string): number => first.indexOf(`${String.fromCharCode(name.length)}${name}`, streamAt, "latin1") + 1 + name.length;
  /** mapped-ram's header follows the used length: version, page size, bitmap offset, pages offset. */
  const bitmapAt = (name: string): number => Number(first.readBigUInt64BE(entryAt(name) + 8 + 12));

  it("summary counts the pages each block's bitmap marks present, as read here by hand", async () => {
    const r = await runMain(inspectMain, ["summary", "--json", path]);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.printed);
    expect(s.features.capabilities).toEqual(["mapped-ram"]);
    const ramPages = (guest.memoryMiB << 20) / 4096;
    const bitmap = bitmapAt("mach-virt.ram");
    let present = 0;
    for (const byte of first.subarray(bitmap, bitmap + ramPages / 8)) for (let b = byte; b; b &= b - 1) present++;
    expect(present).toBeGreaterThan(0);
    expect(s.ram.find((b: { name: string }) => b.name === "mach-virt.ram").pages).toEqual({ zero: 0, normal: present, compressed: 0, xbzrle: 0 });
  });

  it("every decoding command reads it; verify finds nothing wrong, diff with itself nothing", async () => {
    for (const cmd of [["sections"], ["dump"], ["verify"], ["diff", "--exit-code", path]]) {
      const r = await runMain(inspectMain, [...cmd, path]);
      expect(r.code, `${cmd[0]}: ${r.stderr}`).toBe(0);
    }
  });

  it("the same register ids as libvirt 11's zstd image of the same guest", async () => {
    const ids = async (file: string) => JSON.parse((await runMain(inspectMain, ["cpregs", "--json", file])).printed).cpus[0].registers.map((x: { id: string }) => x.id);
    expect(await ids(path)).toEqual(await ids(imagePath(ZSTD.file)));
  });

  it("--add then --hide with -o: header, XML and every byte back as libvirt wrote them, holes kept", async () => {
    const BMAP_2 = "0x6030000000160003";
    const added = join(dir, "added-sparse.sav");
    const back = join(dir, "back-sparse.sav");
    const a = await runMain(rewriteMain, ["--add", `${BMAP_2}=0`, "-i", path, "-o", added]);
    expect(a.code, a.stderr).toBe(0);
    const h = await runMain(rewriteMain, ["--hide", BMAP_2, "-i", added, "-o", back]);
    expect(h.code, h.stderr).toBe(0);
    expect(await sha256(back)).toBe(SPARSE.sha256);
    for (const file of [added, back]) expect(statSync(file).blocks * 512).toBeLessThan(4 << 20);
  });

  it("holds QEMU's stream right after the XML area, unaligned, announcing mapped-ram; page offsets count from the file's start; the stream resumes after each page area", () => {
    // The stream starts where the XML area ends (92 + data_len), as in the other formats: no alignment.
    expect(streamAt % 4096).not.toBe(0);
    expect(first.toString("latin1", streamAt, streamAt + 4)).toBe("QEVM");
    expect(first.readUInt32BE(streamAt + 4)).toBe(3);
    const stream = first.subarray(streamAt);
    expect(stream.indexOf("\x0amapped-ram", 0, "latin1")).toBeGreaterThan(0);
    // The RAM block list: length-prefixed name, used length, then mapped-ram's header (version,
    // page size, bitmap offset, pages offset; big-endian).
    const at = entryAt("mach-virt.ram");
    expect(first.readBigUInt64BE(at)).toBe(BigInt(guest.memoryMiB << 20));
    const h = at + 8;
    expect(first.readUInt32BE(h)).toBe(1);
    expect(first.readBigUInt64BE(h + 4)).toBe(4096n);
    // Offsets in the file, not in the stream: the bitmap right after this header...
    expect(Number(first.readBigUInt64BE(h + 12))).toBe(h + 28);
    // ...and the pages at a 1 MiB boundary, the first one the device tree QEMU put at RAM's start.
    const pages = Number(first.readBigUInt64BE(h + 20));
    expect(pages % (1 << 20)).toBe(0);
    expect(head(path, 4, pages).readUInt32BE(0)).toBe(0xd00dfeed);
    // The stream resumes after the page area: the next block's entry starts there.
    const next = head(path, 64, pages + (guest.memoryMiB << 20));
    expect(next.toString("latin1", 0, 12)).toBe("\x0bvirt.flash0");
  });
});
