import { MalformedError, UnsupportedError, LimitError, TruncatedError, ByteWriter, ByteSource, decodeLatin1, type ByteInput } from "@vmstate/wire";
import type { LibvirtHeaderRecord } from "./records.js";

/**
 * The header `virsh save` puts before the QEMU stream (libvirt src/qemu/qemu_saveimage.h:
 * virQEMUSaveHeader): 16 magic bytes, five 32-bit words in the saving host's byte order,
 * 56 unused bytes, then `dataLen` bytes of domain XML, optional cookie XML and padding. The
 * QEMU stream starts right after.
 */
export const LIBVIRT_MAGIC = "LibvirtQemudSave";
/** Written while the save is in progress; a file still carrying it is incomplete. */
export const LIBVIRT_MAGIC_PARTIAL = "LibvirtQemudPart";
export const LIBVIRT_HEADER_SIZE = 92;
const LIBVIRT_SAVE_VERSION = 2;
/** Formats: how the QEMU stream after the header is stored (qemu_saveimage_format.h). */
export const LIBVIRT_FORMATS = ["raw", "gzip", "bzip2", "xz", "lzop", "zstd", "sparse"] as const;
/** libvirt pads the XML area by 64 KiB for later edits; real areas stay far below 64 MiB. */
const MAX_DATA_LEN = 64 << 20;

interface HeaderWords {
  version: number;
  dataLen: number;
  wasRunning: number;
  format: number;
  cookieOffset: number;
}

/**
 * binary-parser fits this fixed layout exactly, little- or big-endian alike. It is loaded
 * only when a libvirt header is seen: its ~12 MB and ~40 ms stay off plain streams.
 */
async function parseWords(bytes: Uint8Array, endianness: "little" | "big"): Promise<HeaderWords> {
  const { Parser } = await import("binary-parser/dist/binary_parser.js");
  return new Parser()
    .endianness(endianness)
    .seek(16)
    .uint32("version")
    .uint32("dataLen")
    .uint32("wasRunning")
    .uint32("format")
    .uint32("cookieOffset")
    .parse(bytes) as HeaderWords;
}

/** True when the next bytes are a libvirt save-image magic (either form). */
export function libvirtMagicAhead(src: ByteSource): boolean {
  if (src.contiguous() < 16) return false;
  let magic = "";
  for (let i = 0; i < 16; i++) magic += String.fromCharCode(src.peekU8(i));
  return magic === LIBVIRT_MAGIC || magic === LIBVIRT_MAGIC_PARTIAL;
}

/** The header's words, checked, and what they say; `start` is its offset, for messages. */
export interface LibvirtHeaderFields {
  endianness: "little" | "big";
  format: (typeof LIBVIRT_FORMATS)[number];
  /** Bytes of XML area after the 92-byte header; the QEMU stream starts after them. */
  dataLen: number;
  wasRunning: boolean;
  cookieOffset: number;
}

/** Decodes and checks the 92 header bytes `head` (the magic already seen). */
export async function libvirtHeaderFields(head: Uint8Array, start = 0): Promise<LibvirtHeaderFields> {
  // Written in the saving host's byte order; libvirt swaps when the version looks too big.
  let endianness: "little" | "big" = "little";
  let words = await parseWords(head, endianness);
  if (words.version > LIBVIRT_SAVE_VERSION) words = await parseWords(head, (endianness = "big"));
  if (words.version !== LIBVIRT_SAVE_VERSION) {
    throw new MalformedError("BAD_VERSION", `libvirt save-image version ${words.version}, expected 2`, { offset: start + 16, path: "libvirt header" });
  }
  if (words.dataLen > MAX_DATA_LEN) {
    throw new LimitError(`libvirt XML area of ${words.dataLen} bytes is implausible`, { offset: start + 20, path: "libvirt header" });
  }
  const format = LIBVIRT_FORMATS[words.format];
  if (format === undefined) {
    throw new MalformedError("MALFORMED", `unknown libvirt save-image format ${words.format}`, { offset: start + 28, path: "libvirt header" });
  }
  return { endianness, format, dataLen: words.dataLen, wasRunning: words.wasRunning !== 0, cookieOffset: words.cookieOffset };
}

/**
 * Reads the libvirt header and its XML area; the QEMU stream follows. `streamDecompressed`:
 * the caller already pipes the stream after the XML area through the format's decompressor
 * (the CLI does, packages/cli/src/stream-input.ts), so a compressed format is no refusal.
 */
export async function readLibvirtHeader(src: ByteSource, streamDecompressed = false): Promise<LibvirtHeaderRecord> {
  const rec = await readHeaderArea(src);
  // Sparse (libvirt >= 11.2): QEMU wrote a mapped-ram stream right after the XML area
  // (`file:…,offset=`), its offsets counting from the start of the image, as the source's do.
  if (rec.format !== "raw" && rec.format !== "sparse" && !streamDecompressed) {
    throw new UnsupportedError(`libvirt save image with a ${rec.format} QEMU stream: the vmstate commands decompress it themselves when given the file or a pipe`, {
      offset: rec.start + 28,
      path: "libvirt header",
    });
  }
  return rec;
}

/**
 * The header and XML area of a libvirt save image in any format, the stream after them left
 * unread (`vmstate-inspect xml`); undefined when `input` does not start with one.
 */
export async function readLibvirtImageHead(input: ByteInput): Promise<LibvirtHeaderRecord | undefined> {
  const src = new ByteSource(input);
  try {
    await src.need(16);
  } catch (e) {
    if (e instanceof TruncatedError) return undefined;
    throw e;
  }
  return libvirtMagicAhead(src) ? readHeaderArea(src) : undefined;
}

async function readHeaderArea(src: ByteSource): Promise<LibvirtHeaderRecord> {
  const start = src.offset;
  await src.need(LIBVIRT_HEADER_SIZE, "the libvirt save-image header");
  src.mark();
  const head = src.bytes(LIBVIRT_HEADER_SIZE);
  const complete = decodeLatin1(head.subarray(0, 16)) === LIBVIRT_MAGIC;
  const { endianness, format, dataLen, wasRunning, cookieOffset } = await libvirtHeaderFields(head, start);
  await src.need(dataLen, "the libvirt XML area");
  const data = src.bytes(dataLen);
  const bytes = src.sliceFromMark();
  return {
    kind: "libvirt",
    start,
    end: src.offset,
    bytes,
    complete,
    endianness,
    wasRunning,
    format,
    domainXml: cString(data, 0),
    cookieXml: cookieOffset > 0 ? cString(data, cookieOffset) : undefined,
  };
}

function cString(b: Uint8Array, from: number): string {
  const end = b.indexOf(0, from);
  return new TextDecoder().decode(b.subarray(from, end < 0 ? b.length : end));
}

/** The header as it came: libvirt's padding and unused words are not ours to rebuild. */
export function encodeLibvirtHeader(rec: LibvirtHeaderRecord): Uint8Array {
  return new ByteWriter(rec.bytes.length).bytes(rec.bytes).finish();
}
