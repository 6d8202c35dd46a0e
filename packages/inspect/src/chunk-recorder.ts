/**
 * Passes an input's chunks through to a decoder while keeping the ones not yet released, so
 * the bytes of the device tail can be walked a second time, leniently, after the strict
 * decoder has read them (or stopped in them).
 *
 * Why not keep the whole input or re-open the file: `verify` must read pipes too, and a stream
 * is mostly RAM. The caller releases every chunk the decoder is done with (even inside a
 * record: a mapped-ram block list spans the whole page area), so only the current chunk is
 * held during the RAM part; the tail (kilobytes to a few MiB, already buffered in full by the
 * decoder) is the only thing kept at the end.
 */
import type { ByteInput, RecyclingInput } from "@vmstate/wire";
import { isDecompressedLibvirtInput, LIBVIRT_STREAM_DECOMPRESSED } from "@vmstate/stream";

export class ChunkRecorder implements AsyncIterable<Uint8Array> {
  private chunks: { start: number; bytes: Uint8Array }[] = [];
  private total = 0;
  private releasedTo = 0;

  constructor(private readonly input: ByteInput) {
    // What the input is (a decompressed libvirt image) is what the recorder passes on.
    if (isDecompressedLibvirtInput(input)) Object.assign(this, { [LIBVIRT_STREAM_DECOMPRESSED]: true });
    // So is its buffer reuse (FdReader): the decoder hands a buffer back only after passing
    // its chunk on, when the recorder has released it, so no kept chunk is ever refilled.
    // Without it every chunk of a mapped-ram page area (gigabytes of holes) is a new buffer.
    const recycler = input as Partial<RecyclingInput>;
    if (typeof recycler.recycle === "function") Object.assign(this, { recycle: recycler.recycle.bind(input) });
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    for await (const chunk of this.input) {
      this.chunks.push({ start: this.total, bytes: chunk });
      this.total += chunk.length;
      this.trim();
      yield chunk;
    }
  }

  /** Bytes seen so far. */
  get length(): number {
    return this.total;
  }

  /** Forgets everything before `offset`. */
  release(offset: number): void {
    this.releasedTo = Math.max(this.releasedTo, offset);
    this.trim();
  }

  /** Whether the bytes at `offset` are still held. */
  holds(offset: number): boolean {
    return offset >= this.releasedTo && this.chunks.length > 0 && offset >= this.chunks[0]!.start && offset < this.total;
  }

  private trim(): void {
    while (this.chunks.length > 0) {
      const first = this.chunks[0]!;
      const end = first.start + first.bytes.length;
      if (end > this.releasedTo) break;
      this.releasedTo = Math.max(this.releasedTo, end);
      this.chunks.shift();
    }
  }

  /**
   * The bytes from `offset` (not released) to the end of what was seen, as one array.
   * @throws RangeError when `offset` was released already.
   */
  bytesFrom(offset: number): Uint8Array {
    if (offset < this.releasedTo || (this.chunks.length > 0 && offset < this.chunks[0]!.start)) {
      throw new RangeError(`bytes before ${this.releasedTo} were released`);
    }
    const out = new Uint8Array(Math.max(0, this.total - offset));
    for (const c of this.chunks) {
      const from = Math.max(0, offset - c.start);
      if (from >= c.bytes.length) continue;
      out.set(c.bytes.subarray(from), c.start + from - offset);
    }
    return out;
  }
}
