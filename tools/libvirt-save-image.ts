/**
 * Wraps a QEMU migration stream in a `virsh save` image the way libvirt writes one
 * (src/qemu/qemu_saveimage.c): the 92-byte header in the host's byte order, the domain XML
 * NUL-terminated and padded to `dataLen`, then the stream, piped through the format's real
 * compressor with libvirt's own arguments (`gzip -c`, `xz -c -3`, …). Tests make their
 * compressed images with it; real libvirt images come from another tool.
 *
 *   tsx tools/libvirt-save-image.ts STREAM OUT [gzip|bzip2|xz|lzop|zstd|raw]
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { libvirtCompressor, type LibvirtFormat } from "@vmstate/stream";

const FORMAT_NUMBERS: Record<LibvirtFormat, number> = { raw: 0, gzip: 1, bzip2: 2, xz: 3, lzop: 4, zstd: 5, sparse: 6 };

export interface ImageOptions {
  format?: LibvirtFormat;
  endianness?: "little" | "big";
  magic?: string;
  /** libvirt pads the XML area to leave room for later edits (64 KiB and more). */
  dataLen?: number;
  xml?: string;
}

/** The header and XML area alone: what precedes the (possibly compressed) stream. */
export function libvirtHeaderArea(options: ImageOptions = {}): Uint8Array {
  const dataLen = options.dataLen ?? 65536;
  const head = Buffer.alloc(92 + dataLen);
  head.write(options.magic ?? "LibvirtQemudSave", 0, "latin1");
  const words = [2, dataLen, 1, FORMAT_NUMBERS[options.format ?? "raw"], 0];
  words.forEach((w, i) => (options.endianness === "big" ? head.writeUInt32BE(w, 16 + 4 * i) : head.writeUInt32LE(w, 16 + 4 * i)));
  head.write(`${options.xml ?? "<domain type='kvm'><name>guest1</name></domain>"}\0`, 92, "utf8");
  return new Uint8Array(head);
}

/**
 * A whole image: header, XML area, and the stream stored as `format` says. Not for `sparse`:
 * a mapped-ram stream's offsets count from the start of the file, so QEMU itself must write
 * it after the header area (`migrate file:IMAGE,offset=N`, as libvirt has it do).
 */
export function libvirtImage(stream: Uint8Array, options: ImageOptions = {}): Uint8Array {
  if (options.format === "sparse") throw new Error("a sparse image's stream is written by QEMU at its offset: write libvirtHeaderArea() and migrate to file:IMAGE,offset=N");
  const tool = libvirtCompressor(options.format ?? "raw");
  return new Uint8Array(Buffer.concat([libvirtHeaderArea(options), tool === undefined ? stream : run(tool.program, tool.compress, stream)]));
}

/** Runs `program args` on `input`; its standard output. */
export function run(program: string, args: readonly string[], input: Uint8Array): Uint8Array {
  const r = spawnSync(program, [...args], { input, maxBuffer: 1 << 30 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${program} ${args.join(" ")}: ${r.stderr.toString()}`);
  return new Uint8Array(r.stdout);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const [stream, out, format = "gzip"] = process.argv.slice(2);
  if (stream === undefined || out === undefined || !(format in FORMAT_NUMBERS)) {
    console.error("usage: tsx tools/libvirt-save-image.ts STREAM OUT [raw|gzip|bzip2|xz|lzop|zstd]");
    process.exit(2);
  }
  writeFileSync(out, libvirtImage(readFileSync(stream), { format: format as LibvirtFormat }));
}
