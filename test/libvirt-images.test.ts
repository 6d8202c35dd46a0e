/**
 * Real `virsh save` images (samples/libvirt/, made by tools/make-libvirt-images.ts with
 * libvirt 9.0): what they hold, checked without libvirt. The header is read here by hand from
 * libvirt's layout (qemu_saveimage.h), independently of our decoder; our decoder's XML is
 * compared with what `virsh save-image-dumpxml` printed for the same image; `summary`, `xml` and
 * `cpregs` read every format (the compressed ones through the program libvirt ran).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { inspectMain } from "@vmstate/cli";
import { imagePath, readLibvirtImages, SAVE_FORMATS } from "../tools/libvirt/images.js";
import { GUEST_NAME } from "../tools/libvirt/guest.js";
import { decodeAll } from "./support/decode.js";
import { runMain } from "./support/cli.js";

const { guest, images } = readLibvirtImages();

/** libvirt's virQEMUSaveFormat numbering (qemu_saveimage_format.h in later releases). */
const FORMAT_WORD = { raw: 0, gzip: 1, bzip2: 2, xz: 3, lzop: 4 } as const;

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

  it.each(images)("$file: a complete version-2 header of a running guest, format word $formatWord", (image) => {
    const h = header(readFileSync(imagePath(image.file)));
    expect(h).toMatchObject({ magic: "LibvirtQemudSave", version: 2, wasRunning: 1, format: FORMAT_WORD[image.format] });
    expect(h.format).toBe(image.formatWord);
    expect(h.xml).toContain(`<name>${GUEST_NAME}</name>`);
    expect(h.xml).toContain(`machine='${guest.machine}'`);
  });

  it.each(images)("$file: the stored XML is what virsh save-image-dumpxml printed, as libvirt formats it", (image) => {
    const h = header(readFileSync(imagePath(image.file)));
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

  it.each(images)("$format: vmstate-inspect xml prints the stored XML, as virsh save-image-dumpxml less its re-formatting", async (image) => {
    const r = await runMain(inspectMain, ["xml", imagePath(image.file)]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.printed).toBe(asStored(readFileSync(imagePath(image.dumpxml), "utf8")));
  });

  it.each(images)("$format: summary shows the format, the domain, the machine and where the stream starts", async (image) => {
    const r = await runMain(inspectMain, ["summary", "--json", imagePath(image.file)]);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.printed);
    const dataLen = header(readFileSync(imagePath(image.file))).dataLen;
    expect(s.libvirt).toEqual({ complete: true, wasRunning: true, format: image.format, domain: GUEST_NAME, streamOffset: 92 + dataLen });
    expect(s.machine).toBe(guest.machine);
    expect(s.ram.find((b: { name: string }) => b.name === "mach-virt.ram").size).toBe(guest.memoryMiB << 20);
  });

  it.each(images)("$format: cpregs lists the cortex-a57 vCPU's registers, without KVM_REG_ARM_VENDOR_HYP_BMAP_2", async (image) => {
    const r = await runMain(inspectMain, ["cpregs", "--json", imagePath(image.file)]);
    expect(r.code, r.stderr).toBe(0);
    const { cpus } = JSON.parse(r.printed);
    expect(cpus).toHaveLength(1);
    expect(cpus[0].count).toBe(cpus[0].registers.length);
    expect(cpus[0].registers.map((x: { name: string }) => x.name)).toContain("SCTLR_EL1");
    expect(cpus[0].registers.map((x: { id: string }) => x.id)).not.toContain("0x6030000000160003");
  });

  it("every format holds the same register list as the raw image (one guest, saved five times)", async () => {
    const ids = async (file: string) => {
      const r = await runMain(inspectMain, ["cpregs", "--json", imagePath(file)]);
      return JSON.parse(r.printed).cpus[0].registers.map((x: { id: string }) => x.id);
    };
    const raw = await ids("raw.sav");
    expect(raw.length).toBeGreaterThan(200);
    for (const image of images) expect(await ids(image.file)).toEqual(raw);
  });
});
