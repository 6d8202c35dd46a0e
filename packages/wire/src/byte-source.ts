import { LimitError, TruncatedError } from "./errors.js";
import type { RecyclingInput } from "./fd-reader.js";
import type { SkippingInput } from "./skipping-input.js";
import { ConsumedChunks } from "./consumed-chunks.js";
import { readBe32 } from "./byte-writer.js";

const EMPTY = new Uint8Array(0);

/** Anything that yields the bytes of a stream in order: a file reader, stdin, a test's array. */
export type ByteInput = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/**
 * A pull reader over a chunked byte input with an absolute offset.
 *
 * Why pull: a migration stream is a grammar where the next read's size depends on the
 * previous one (flags, counted strings, lengths), so the decoder asks for exactly what it
 * needs. `need(n)` is the only asynchronous step; after it, the synchronous readers consume
 * from the current chunk without awaiting, which keeps the per-record cost of the RAM loop
 * low. `need` guarantees the n bytes are contiguous in the current chunk: when a read spans a
 * chunk boundary only those n bytes are copied, never the whole chunk.
 *
 * `mark()` / `sliceFromMark()` give the exact original bytes of a record as one view, so an
 * untouched record can be written back as it came.
 */
export class ByteSource {
  private readonly iterator: AsyncIterator<Uint8Array> | Iterator<Uint8Array>;
  /** Chunks not yet fully released; chunks[0] holds the read position. */
  private chunks: Uint8Array[] = [];
  /** Read position inside chunks[0]. */
  private pos = 0;
  /** Bytes buffered from the read position to the end of the last chunk. */
  private buffered = 0;
  private ended = false;
  /** Absolute offset of chunks[0][0]. */
  private chunkBase = 0;
  private markOffset = -1;
  /** Bytes retained before the read position for an open mark (their chunks). */
  private retained: Uint8Array[] = [];
  /** The pass-through of consumed input, while set (see {@link passConsumedTo}). */
  private passing: ConsumedChunks | undefined;
  /** The input's buffer reuse, when it offers one (see {@link RecyclingInput}). */
  private readonly recycler: RecyclingInput | undefined;
  /** The input's way of leaving bytes unread, when it has one (see {@link SkippingInput}). */
  private readonly skipper: SkippingInput | undefined;

  /** `startOffset`: the absolute offset of the input's first byte (for a slice of a stream). */
  constructor(input: ByteInput, startOffset = 0) {
    this.chunkBase = startOffset;
    this.recycler = typeof (input as Partial<RecyclingInput>).recycle === "function" ? (input as RecyclingInput) : undefined;
    this.skipper = typeof (input as Partial<SkippingInput>).skipUnread === "function" ? (input as SkippingInput) : undefined;
    this.iterator =
      Symbol.asyncIterator in input
        ? (input as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]()
        : (input as Iterable<Uint8Array>)[Symbol.iterator]();
  }

  /** Absolute offset of the next unread byte. */
  get offset(): number {
    return this.chunkBase + this.pos;
  }

  /** Bytes that can be read synchronously now. */
  get available(): number {
    return this.buffered;
  }

  /** Pull one more chunk; false at the end of the input. */
  private async pull(): Promise<boolean> {
    // Hand on what is consumed before reading more: a slow consumer slows the reader.
    await this.passing?.release(this.offset, this.markOffset < 0);
    if (this.ended) return false;
    for (;;) {
      const next = await this.iterator.next();
      if (next.done) {
        this.ended = true;
        return false;
      }
      const value = next.value;
      if (value.length === 0) continue;
      // Buffer#subarray builds a Buffer each time; a plain view keeps record slicing cheap.
      const chunk = value instanceof Uint8Array && value.constructor !== Uint8Array ? new Uint8Array(value.buffer, value.byteOffset, value.length) : value;
      this.chunks.push(chunk);
      this.passing?.add(chunk);
      this.buffered += chunk.length;
      return true;
    }
  }

  /**
   * Make n bytes readable synchronously and contiguous in the current chunk.
   * @throws TruncatedError when the input ends first; `what` names the thing being read.
   */
  async need(n: number, what = "data"): Promise<void> {
    if (this.contiguous() >= n) return;
    while (this.buffered < n) {
      if (!(await this.pull())) {
        throw new TruncatedError(`input ends inside ${what}: needed ${n} bytes, ${this.buffered} left`, {
          offset: this.offset,
        });
      }
    }
    if (this.contiguous() < n) this.gather(n);
  }

  /** True when no byte is left (waits for the input to say so). */
  async atEnd(): Promise<boolean> {
    if (this.buffered > 0) return false;
    return !(await this.pull());
  }

  /** Bytes readable in the current chunk without crossing into the next (no await needed). */
  contiguous(): number {
    const first = this.chunks[0];
    return first === undefined ? 0 : first.length - this.pos;
  }

  /**
   * The current chunk, for a parser that loops over many small records itself: its bytes from
   * {@link chunkPos} on (`contiguous()` of them) are the next ones; consume them with `skip`.
   */
  chunk(): Uint8Array {
    return this.chunks[0] ?? EMPTY;
  }

  /** The read position inside {@link chunk}. */
  chunkPos(): number {
    return this.pos;
  }

  /**
   * Copy the next n bytes, spread over several chunks, into one new current chunk. Only the
   * n bytes are copied; the rest of the last chunk they come from stays where it is.
   * Called only when the current chunk holds fewer than n bytes.
   */
  private gather(n: number): void {
    const first = this.chunks[0]!;
    // The already-read prefix of the current chunk leaves the list: an open mark keeps it.
    if (this.pos > 0 && this.markOffset >= 0) this.retained.push(first.subarray(0, this.pos));
    this.chunkBase += this.pos;
    const joined = new Uint8Array(n);
    let filled = 0;
    let p = this.pos;
    while (filled < n) {
      const chunk = this.chunks[0]!;
      const take = Math.min(chunk.length - p, n - filled);
      joined.set(chunk.subarray(p, p + take), filled);
      filled += take;
      p += take;
      if (p === chunk.length) {
        this.chunks.shift();
        p = 0;
      } else {
        this.chunks[0] = chunk.subarray(p);
        break;
      }
    }
    this.chunks.unshift(joined);
    this.pos = 0;
  }

  private dropFirst(): void {
    const chunk = this.chunks.shift()!;
    if (this.markOffset >= 0) this.retained.push(chunk);
    this.chunkBase += chunk.length;
    this.pos = 0;
  }

  private advance(n: number): void {
    if (n === 0) return;
    this.pos += n;
    this.buffered -= n;
    if (this.pos === this.chunks[0]!.length) this.dropFirst();
  }

  private current(n: number): Uint8Array {
    if (this.contiguous() < n) {
      throw new RangeError(`ByteSource: ${n} bytes read without need() (${this.contiguous()} contiguous)`);
    }
    return this.chunks[0]!;
  }

  /** Byte at distance k from the read position (needs k+1 bytes). */
  peekU8(k = 0): number {
    return this.current(k + 1)[this.pos + k]!;
  }

  /** Big-endian 32-bit at distance k from the read position (needs k+4 contiguous bytes). */
  peekBe32(k = 0): number {
    return readBe32(this.current(k + 4), this.pos + k);
  }

  u8(): number {
    const v = this.current(1)[this.pos]!;
    this.advance(1);
    return v;
  }

  be16(): number {
    const c = this.current(2);
    const p = this.pos;
    const v = (c[p]! << 8) | c[p + 1]!;
    this.advance(2);
    return v;
  }

  be32(): number {
    const v = readBe32(this.current(4), this.pos);
    this.advance(4);
    return v;
  }

  /** Signed big-endian 32-bit. */
  sbe32(): number {
    return this.be32() | 0;
  }

  be64(): bigint {
    const hi = this.be32();
    const lo = this.be32();
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** The next n bytes as a view into the input's chunk (a copy only if they spanned chunks). */
  bytes(n: number): Uint8Array {
    const c = this.current(n);
    const v = c.subarray(this.pos, this.pos + n);
    this.advance(n);
    return v;
  }

  /** Skip n bytes that are already buffered contiguously. */
  skip(n: number): void {
    this.current(n);
    this.advance(n);
  }

  /**
   * Consumes the next n bytes without looking at them (a mapped-ram page area nobody asked
   * for). Those already buffered are dropped; the rest are left unread when the input can
   * skip them (a file read at positions) and nothing else needs them (no pass-through, no
   * open mark), and read through a chunk at a time otherwise (a pipe: flat memory).
   * @throws TruncatedError when the input ends first, as reading would.
   */
  async discard(n: number, what = "data"): Promise<void> {
    let left = n;
    while (left > 0) {
      if (this.buffered === 0 && this.skipper !== undefined && this.passing === undefined && this.markOffset < 0) {
        const moved = this.skipper.skipUnread(left);
        this.chunkBase += moved;
        left -= moved;
        if (left === 0) return;
      }
      // Past the input's end, this throws the truncation a read would.
      await this.need(1, what);
      const k = Math.min(this.contiguous(), left);
      this.skip(k);
      left -= k;
    }
  }

  /**
   * Hands every byte consumed from now on to `consumer`, in order, as the very chunks the
   * input produced (no copies), each once it has been read entirely, before the next chunk
   * is pulled: a slow consumer slows the reader. This is how `vmstate-rewrite` passes RAM
   * through at the speed of `cat` in constant memory. Attach it before the first read.
   */
  passConsumedTo(consumer: (bytes: Uint8Array) => Promise<void> | void): void {
    if (this.chunks.length > 0) throw new RangeError("ByteSource.passConsumedTo after reading began");
    this.passing = new ConsumedChunks(consumer, this.offset, this.recycler);
  }

  /** Hands on everything consumed so far and stops: what follows is read, not handed on. */
  async stopPassing(): Promise<void> {
    const passing = this.passing;
    this.passing = undefined;
    await passing?.finish(this.offset);
  }

  /** Start recording a record's bytes (see {@link sliceFromMark}). */
  mark(): void {
    this.retained = [];
    this.markOffset = this.offset;
  }

  /**
   * The bytes from the last mark to the read position as one view (a copy only when the
   * record spans chunks). Ends the mark.
   */
  sliceFromMark(): Uint8Array {
    const start = this.markOffset;
    const end = this.offset;
    this.markOffset = -1;
    const length = end - start;
    const retained = this.retained;
    this.retained = [];
    if (retained.length === 0) {
      const first = this.chunks[0];
      if (first === undefined) return new Uint8Array(0);
      return first.subarray(this.pos - length, this.pos);
    }
    // Record spans chunks: chunk boundaries are known from the retained list.
    const out = new Uint8Array(length);
    let filled = 0;
    let base = this.chunkBase;
    for (const c of retained) base -= c.length;
    for (const c of retained) {
      const from = Math.max(0, start - base);
      const piece = c.subarray(from);
      out.set(piece, filled);
      filled += piece.length;
      base += c.length;
    }
    if (filled < length) out.set(this.chunks[0]!.subarray(0, this.pos), filled);
    return out;
  }

  /**
   * Read everything left into one buffer, refusing more than `limit` bytes.
   * Used for the device tail, whose layout is known only from the vmdesc at its end.
   */
  async readRest(limit: number, what: string, watch?: (bytes: Uint8Array) => void): Promise<Uint8Array> {
    this.markOffset = -1;
    this.retained = [];
    // `watch` sees every byte as it arrives (it may throw, to stop reading before the limit).
    if (watch) this.chunks.forEach((c, i) => watch(i === 0 ? c.subarray(this.pos) : c));
    while (await this.pull()) {
      watch?.(this.chunks[this.chunks.length - 1]!);
      if (this.buffered > limit) {
        throw new LimitError(`${what} is larger than the ${limit}-byte limit`, { offset: this.offset });
      }
    }
    const out = new Uint8Array(this.buffered);
    let filled = 0;
    while (this.buffered > 0) {
      const chunk = this.chunks[0]!;
      const piece = chunk.subarray(this.pos);
      out.set(piece, filled);
      filled += piece.length;
      this.advance(piece.length);
    }
    return out;
  }
}
