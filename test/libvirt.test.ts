/**
 * `virsh save` images: the libvirt header and XML before the QEMU stream are recognised,
 * kept byte for byte, and never get in the way of reading or rewriting the stream.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { TruncatedError, UnsupportedError } from "@vmstate/wire";
import { inspectMain, rewriteMain } from "@vmstate/cli";
import { requireQemu } from "../tools/qemu/binaries.js";
import { loadStream } from "../tools/qemu/load.js";
import { decodeError, equalBytes, reencode } from "./support/decode.js";
import { oneByteChunks, readSample } from "./support/samples.js";
import { runMain } from "./support/cli.js";
import { libvirtImage } from "./support/libvirt.js";
import { sampleEntry } from "./support/manifest.js";

const SAMPLE = "aarch64-virt-max-4cpu.mig";
const stream = readSample(SAMPLE);
const dir = mkdtempSync(join(tmpdir(), "vmstate-libvirt-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("virsh save images", () => {
  it.each(["little", "big"] as const)("round-trip byte for byte (%s-endian host), whole and one byte at a time", async (endianness) => {
    const image = libvirtImage(stream, { endianness });
    expect(equalBytes(await reencode([image], false), image)).toBe(true);
    expect(equalBytes(await reencode(oneByteChunks(image), true), image)).toBe(true);
  });

  it("summarise with the domain and where the QEMU stream starts", async () => {
    const r = await runMain(inspectMain, ["summary", "--json", "-"], { stdin: [libvirtImage(stream)] });
    expect(r.code).toBe(0);
    const s = JSON.parse(r.printed);
    expect(s.libvirt).toEqual({ complete: true, wasRunning: true, format: "raw", domain: "guest1", streamOffset: 92 + 65536 });
    expect(s.machine).toBe("virt-7.2");
    expect(s.sections[0].offset).toBeGreaterThan(92 + 65536);
  });

  it("with a compressed QEMU stream are refused by a decoder not given it decompressed (the CLI decompresses)", async () => {
    const err = await decodeError([libvirtImage(stream, { format: "gzip" })]);
    expect(err).toBeInstanceOf(UnsupportedError);
    expect((err as Error).message).toContain("gzip QEMU stream: the vmstate commands decompress it themselves");
  });

  it("cut inside the XML area fail as truncated", async () => {
    const err = await decodeError([libvirtImage(stream).subarray(0, 1000)]);
    expect(err).toBeInstanceOf(TruncatedError);
    expect((err as TruncatedError).offset).toBe(92);
  });

  it("are marked incomplete while libvirt was still writing them", async () => {
    const r = await runMain(inspectMain, ["summary", "-"], { stdin: [libvirtImage(stream, { magic: "LibvirtQemudPart" })] });
    expect(r.printed).toContain("INCOMPLETE (LibvirtQemudPart)");
  });

  it("rewrite keeps the header and XML, and QEMU loads the stream after them", async () => {
    const image = libvirtImage(stream);
    const r = await runMain(rewriteMain, ["--hide", "DBGBVR0_EL1"], { stdin: [image] });
    expect(r.code, r.stderr).toBe(0);
    expect(equalBytes(r.stdout.subarray(0, 92 + 65536), image.subarray(0, 92 + 65536))).toBe(true);
    const bare = await runMain(rewriteMain, ["--hide", "DBGBVR0_EL1"], { stdin: [stream] });
    expect(equalBytes(r.stdout.subarray(92 + 65536), bare.stdout)).toBe(true);
    // libvirt hands QEMU the file positioned after its header; tail does the same here.
    const file = join(dir, "vm.save");
    writeFileSync(file, r.stdout);
    const sample = sampleEntry(SAMPLE);
    const loaded = await loadStream({ binary: requireQemu("aarch64"), args: sample.args, incomingUri: `exec:tail -c +${92 + 65536 + 1} ${file}` });
    expect(loaded.reason ?? "", loaded.stderr).toBe("");
  });
});
