/**
 * libvirt's "sparse" save format (format 6, libvirt >= 11.2; src/qemu/qemu_saveimage.[ch]):
 * the 92-byte header and the XML area, then a mapped-ram stream that QEMU writes right after
 * them, at an unaligned offset, its block offsets counting from the start of the image. The
 * real libvirt 11.3 image (QEMU 11.1) is tested in libvirt-images and e2e-libvirt11; here the
 * image is made the same way with QEMU 10.0: the header area (tools/libvirt-save-image.ts)
 * written first, then QEMU migrating with mapped-ram to `file:IMAGE,offset=N`, which keeps
 * the first N bytes (libvirt hands QEMU the open image as an fdset with that offset); the
 * restore is QEMU 10.0 reading from the same offset.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inspectMain, rewriteMain } from "@vmstate/cli";
import { requireQemu } from "../tools/qemu/binaries.js";
import { captureStream } from "../tools/qemu/capture.js";
import { loadStream } from "../tools/qemu/load.js";
import { MAPPED_RAM_SAMPLES } from "../tools/samples/mapped-ram.js";
import { runMain } from "./support/cli.js";
import { libvirtHeaderArea } from "./support/libvirt.js";
import { expandedSample } from "./support/packed-samples.js";
import { expectLoadsAndRuns } from "./support/runs.js";
import { allocated, firstDifference, sparseCopy } from "./support/sparse-files.js";

const BMAP2 = "0x6030000000160003";
const sample = MAPPED_RAM_SAMPLES[0]!;
const XML = "<domain type='qemu'><name>sparse1</name></domain>";
const dir = mkdtempSync(join(tmpdir(), "vmstate-libvirt-sparse-"));
const image = join(dir, "sparse.sav");
// libvirt pads the XML area by 64 KiB past the XML and its NUL: the stream starts unaligned.
const head = libvirtHeaderArea({ format: "sparse", xml: XML, dataLen: XML.length + 1 + 65536 });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  writeFileSync(image, head);
  await captureStream({
    binary: requireQemu("newer-aarch64"),
    args: sample.args,
    capabilities: sample.capabilities,
    runMs: 200,
    file: image,
    fileUri: true,
    fileOffset: head.length,
  });
}, 120_000);

/** The image's first n bytes. */
function prefix(file: string, n: number): Buffer {
  const fd = openSync(file, "r");
  try {
    const b = Buffer.alloc(n);
    readSync(fd, b, 0, n, 0);
    return b;
  } finally {
    closeSync(fd);
  }
}

const restore = (file: string, keep = false) =>
  loadStream({ binary: requireQemu("newer-aarch64"), args: sample.args, incomingUri: `file:${file},offset=${head.length}`, capabilities: sample.capabilities, keep });

describe("libvirt sparse (mapped-ram) save image", () => {
  it("is read: the header, the XML, and the mapped-ram stream after them", async () => {
    expect(head.length % 4096).not.toBe(0);
    expect(Buffer.compare(prefix(image, head.length), Buffer.from(head))).toBe(0);
    expect(allocated(image) * 512).toBeLessThan(statSync(image).size / 100);
    const s = await runMain(inspectMain, ["summary", "--json", image]);
    expect(s.code, s.stderr).toBe(0);
    const doc = JSON.parse(s.printed) as { libvirt: { format: string; streamOffset: number; domain: string }; features: { capabilities: string[] }; ram: { name: string; pages: { normal: number } }[] };
    expect(doc.libvirt).toMatchObject({ format: "sparse", streamOffset: head.length, domain: "sparse1" });
    expect(doc.features.capabilities).toEqual(["mapped-ram"]);
    expect(doc.ram.find((b) => b.name === "mach-virt.ram")!.pages.normal).toBeGreaterThan(0);
    expect((await runMain(inspectMain, ["summary", image])).printed).toContain(", sparse (mapped-ram)");
    const x = await runMain(inspectMain, ["xml", image]);
    expect(x.code).toBe(0);
    expect(x.printed).toContain(XML);
    const v = await runMain(inspectMain, ["verify", image]);
    expect(v.code, v.stderr).toBe(0);
    // The same CPU model as the bare mapped-ram capture: the same registers.
    const ids = async (f: string) => (JSON.parse((await runMain(inspectMain, ["cpregs", "--json", f])).printed) as { cpus: { registers: { id: string }[] }[] }).cpus[0]!.registers.map((r) => r.id);
    expect(await ids(image)).toEqual(await ids(expandedSample(sample.file)));
  });

  it("QEMU 10.0 refuses it with an added register and restores it after --hide --in-place; header and holes kept", async () => {
    const vm = sparseCopy(image, join(dir, "vm.sav"));
    const blocks = allocated(vm);
    const add = await runMain(rewriteMain, ["-i", vm, "--in-place", "--add", `${BMAP2}=0`]);
    expect(add.code, add.stderr).toBe(0);
    expect(Buffer.compare(prefix(vm, head.length), Buffer.from(head))).toBe(0);
    const refused = await restore(vm);
    expect(refused.ok).toBe(false);
    expect(refused.stderr).toContain("Failed to load cpu:cpreg_vmstate_array_len");
    const hide = await runMain(rewriteMain, ["-i", vm, "--in-place", "--hide", BMAP2]);
    expect(hide.code, hide.stderr).toBe(0);
    expect(firstDifference(image, vm)).toBe(-1);
    expect(allocated(vm)).toBeLessThanOrEqual(blocks + 64);
    await expectLoadsAndRuns(await restore(vm, true));
  });

  it("-o with a register hidden keeps the header and the holes, and QEMU 10.0 restores it", async () => {
    const out = join(dir, "hidden.sav");
    const r = await runMain(rewriteMain, ["-i", image, "-o", out, "--hide", "TPIDR_EL0"]);
    expect(r.code, r.stderr).toBe(0);
    expect(Buffer.compare(prefix(out, head.length), Buffer.from(head))).toBe(0);
    expect(statSync(out).size).toBe(statSync(image).size - 16);
    expect(allocated(out)).toBeLessThanOrEqual(allocated(image) + 64);
    await expectLoadsAndRuns(await restore(out, true));
  });
});
