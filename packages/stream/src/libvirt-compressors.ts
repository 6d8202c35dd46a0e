import { LIBVIRT_FORMATS } from "./libvirt-header.js";

export type LibvirtFormat = (typeof LIBVIRT_FORMATS)[number];

/** A format whose QEMU stream libvirt pipes through an external program. */
export type LibvirtCompressedFormat = "gzip" | "bzip2" | "xz" | "lzop" | "zstd";

/** How one compressed format is read and written: the programs libvirt itself runs. */
export interface LibvirtCompressor {
  format: LibvirtCompressedFormat;
  program: string;
  /** Arguments that decompress standard input to standard output. */
  decompress: readonly string[];
  /** Arguments that compress standard input to standard output, as libvirt does when saving. */
  compress: readonly string[];
  /** The Debian package that installs `program`, for the "install it" message. */
  debianPackage: string;
}

/**
 * libvirt (src/qemu/qemu_saveimage.c) runs `PROG -dc` to restore and `PROG -c` to save; lzop
 * also gets `--ignore-warn` when restoring and xz `-3` when saving. Running the same programs
 * with the same arguments makes a rewritten image one libvirt would have written.
 */
const COMPRESSORS: Record<LibvirtCompressedFormat, LibvirtCompressor> = {
  gzip: { format: "gzip", program: "gzip", decompress: ["-dc"], compress: ["-c"], debianPackage: "gzip" },
  bzip2: { format: "bzip2", program: "bzip2", decompress: ["-dc"], compress: ["-c"], debianPackage: "bzip2" },
  xz: { format: "xz", program: "xz", decompress: ["-dc"], compress: ["-c", "-3"], debianPackage: "xz-utils" },
  lzop: { format: "lzop", program: "lzop", decompress: ["-dc", "--ignore-warn"], compress: ["-c"], debianPackage: "lzop" },
  zstd: { format: "zstd", program: "zstd", decompress: ["-dc"], compress: ["-c"], debianPackage: "zstd" },
};

/** The compressor of a format, or undefined for raw and sparse (no program involved). */
export function libvirtCompressor(format: LibvirtFormat): LibvirtCompressor | undefined {
  return format === "raw" || format === "sparse" ? undefined : COMPRESSORS[format];
}


/**
 * Carried by an input whose QEMU stream, after a compressed image's libvirt header and XML
 * area, has already been decompressed (by the program above, run by the CLI). The mark rides
 * on the input rather than a decoder option so that every command, whichever package builds
 * its decoder, reads such an input without each one passing an option along.
 */
export const LIBVIRT_STREAM_DECOMPRESSED: unique symbol = Symbol("vmstate.libvirtStreamDecompressed");

/** True when `input` carries {@link LIBVIRT_STREAM_DECOMPRESSED}. */
export function isDecompressedLibvirtInput(input: object): boolean {
  return (input as { [LIBVIRT_STREAM_DECOMPRESSED]?: boolean })[LIBVIRT_STREAM_DECOMPRESSED] === true;
}
