import { LIBVIRT_HEADER_SIZE, LIBVIRT_MAGIC, LIBVIRT_MAGIC_PARTIAL, LIBVIRT_STREAM_DECOMPRESSED, libvirtCompressor, libvirtHeaderFields, type LibvirtCompressor } from "@vmstate/stream";
import { decodeLatin1, VmstateError, type ByteInput, type RecyclingInput } from "@vmstate/wire";
import { openInput, type CliIo, type OpenedInput } from "./io.js";
import { readAt } from "./files/file-io.js";
import { CompressorProcess } from "./files/compressor-process.js";

/** A compressed libvirt save image: what compresses it, and where its compressed stream starts. */
export interface CompressedImage {
  compressor: LibvirtCompressor;
  /** The header and XML area, kept byte for byte; the compressed QEMU stream follows them. */
  headerLength: number;
  /** The image's own size in bytes (compressed), when known: its input's size. */
  fileSize?: number | undefined;
}

/** An opened migration-stream input; `compressed` is set for a compressed libvirt image. */
export interface StreamInput extends OpenedInput {
  compressed: CompressedImage | undefined;
}

/**
 * Opens a path (or "-") that holds a migration stream, a libvirt save image, or a compressed
 * libvirt save image. The last comes out as libvirt's header and XML area as they are,
 * followed by the QEMU stream decompressed by the program libvirt itself uses, run as a child
 * process and read as it writes: no temporary copy, memory flat. Such an input has no size
 * and no descriptor (nothing can be read at a position of a decompressed stream), and
 * offsets in its errors are offsets of the decompressed image.
 */
export async function openStreamInput(path: string, io: CliIo): Promise<StreamInput> {
  const input = openInput(path, io);
  try {
    if (input.fd !== undefined) {
      // A regular file is looked at in place (pread leaves its position), so a raw one keeps its descriptor.
      const compressed = await compressedImage(readAt(io.fs, input.fd, 0, LIBVIRT_HEADER_SIZE));
      return compressed === undefined ? { ...input, compressed } : await decompressing(input, input.bytes, compressed);
    }
    const { head, rest } = await sniff(input.bytes, LIBVIRT_HEADER_SIZE);
    const compressed = await compressedImage(head);
    return compressed === undefined ? { ...input, bytes: rest, compressed } : await decompressing(input, rest, compressed);
  } catch (e) {
    input.close();
    throw e;
  }
}

/** The compressed image that `head` (the first bytes) starts, or undefined for anything else. */
async function compressedImage(head: Uint8Array): Promise<CompressedImage | undefined> {
  if (head.length < LIBVIRT_HEADER_SIZE) return undefined;
  const magic = decodeLatin1(head.subarray(0, 16));
  if (magic !== LIBVIRT_MAGIC && magic !== LIBVIRT_MAGIC_PARTIAL) return undefined;
  let fields;
  try {
    fields = await libvirtHeaderFields(head);
  } catch (e) {
    // A header that cannot say what compressed the stream is the decoder's to report, where
    // every command reports a damaged stream (`verify` among its problems, as JSON too).
    if (e instanceof VmstateError) return undefined;
    throw e;
  }
  const compressor = libvirtCompressor(fields.format);
  return compressor && { compressor, headerLength: LIBVIRT_HEADER_SIZE + fields.dataLen };
}

async function decompressing(input: OpenedInput, bytes: ByteInput, compressed: CompressedImage): Promise<StreamInput> {
  const program = new CompressorProcess(compressed.compressor, "decompress");
  // A missing program is said before anything is read or printed.
  await program.ready();
  const stream = decompressedImage(bytes, compressed.headerLength, program);
  Object.assign(stream, { [LIBVIRT_STREAM_DECOMPRESSED]: true });
  return {
    ...input,
    bytes: stream,
    size: undefined,
    fd: undefined,
    compressed: { ...compressed, fileSize: input.size },
    close: () => {
      program.stop();
      input.close();
    },
  };
}

/** The header and XML area as read, then the program's output while a second task feeds it the rest. */
async function* decompressedImage(bytes: ByteInput, headerLength: number, program: CompressorProcess): AsyncGenerator<Uint8Array> {
  const chunks = iteratorOf(bytes);
  let left = headerLength;
  let first: Uint8Array | undefined;
  while (left > 0) {
    const r = await chunks.next();
    if (r.done) break;
    const c = r.value.slice();
    yield c.subarray(0, Math.min(left, c.length));
    if (c.length > left) first = c.subarray(left);
    left -= Math.min(left, c.length);
  }
  if (left > 0) return; // cut short inside the XML area: the decoder says where
  let feedError: unknown;
  const feeding = (async () => {
    try {
      if (first !== undefined && !(await program.write(first))) return;
      // Once the pipe took a chunk, a recycling reader (FdReader) may refill its buffer:
      // without that, fresh buffers pile up faster than the collector frees them.
      const recycler = bytes as Partial<RecyclingInput>;
      for (;;) {
        const r = await chunks.next();
        if (r.done || !(await program.write(r.value))) return;
        recycler.recycle?.(r.value.buffer);
      }
    } catch (e) {
      // Reading the image failed: said once the program's output ends (it gets no more input).
      feedError = e;
    } finally {
      program.endInput();
    }
  })();
  try {
    yield* program.output();
    await feeding;
    if (feedError !== undefined) throw feedError;
    await program.finished(headerLength);
  } finally {
    program.stop();
  }
}

/** The first `n` bytes (fewer if the input is shorter), and an input that replays everything. */
export async function sniff(input: ByteInput, n: number): Promise<{ head: Uint8Array; rest: ByteInput }> {
  const it = iteratorOf(input);
  const seen: Uint8Array[] = [];
  let have = 0;
  let done = false;
  while (have < n) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    // A copy: a recycling reader may refill its buffer before the replay hands it on.
    seen.push(r.value.slice());
    have += r.value.length;
  }
  const head = concat(seen).subarray(0, n);
  async function* rest(): AsyncGenerator<Uint8Array> {
    yield* seen;
    if (done) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  }
  const replay = rest();
  // A recycling reader (FdReader) keeps reusing its buffers through the replay: memory stays flat.
  const recycler = input as Partial<RecyclingInput>;
  if (typeof recycler.recycle === "function") Object.assign(replay, { recycle: recycler.recycle.bind(input) });
  return { head, rest: replay };
}

function iteratorOf(input: ByteInput): AsyncIterator<Uint8Array> | Iterator<Uint8Array> {
  return Symbol.asyncIterator in input ? input[Symbol.asyncIterator]() : input[Symbol.iterator]();
}

export function concat(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * Says, in a decoding error's message, that its offset counts the decompressed image: the
 * user holding a compressed file would otherwise look for it in the wrong bytes. Other
 * errors (and every error of an uncompressed input) are returned as they are.
 */
export function withImageOffsets<E>(input: StreamInput, e: E): E {
  if (input.compressed !== undefined && e instanceof VmstateError && e.offset !== undefined && !e.message.endsWith(DECOMPRESSED_NOTE)) {
    e.message += DECOMPRESSED_NOTE;
  }
  return e;
}

const DECOMPRESSED_NOTE = " of the decompressed image";
