import { fdIoFrom, type FdIo } from "./fd-io.js";

/** An input whose chunk buffers may be handed back for reuse once nothing refers to them. */
export interface RecyclingInput extends Iterable<Uint8Array> {
  recycle(buffer: ArrayBufferLike): void;
}

/**
 * Reads a file descriptor (a file, or a pipe such as fd 0) in chunks of up to `chunkSize`.
 *
 * Buffers come from a small pool when the consumer gives them back through `recycle`
 * (ByteSource does so for bytes it has passed on and dropped); otherwise each chunk is new
 * memory. Reuse is what keeps `vmstate-rewrite` flat (~62 MiB peak) whatever the stream size:
 * with fresh buffers the garbage collector lets dead chunks pile up first.
 */
export class FdReader implements RecyclingInput {
  private readonly pool: Uint8Array[] = [];

  constructor(
    private readonly fd: number,
    private readonly io: FdIo = fdIoFrom(),
    private readonly chunkSize = 256 << 10,
  ) {}

  *[Symbol.iterator](): Iterator<Uint8Array> {
    for (;;) {
      // Uninitialised memory: the read fills what is handed out, and zeroing 256 KiB per
      // chunk would cost as much as the read itself.
      const buf = this.pool.pop() ?? new Uint8Array(Buffer.allocUnsafeSlow(this.chunkSize).buffer, 0, this.chunkSize);
      const n = this.io.read(this.fd, buf, 0, buf.length);
      if (n === 0) return;
      yield n === buf.length ? buf : buf.subarray(0, n);
    }
  }

  recycle(buffer: ArrayBufferLike): void {
    // A rewrite holds at most two or three chunks at a time; more spares would only cost memory.
    if (buffer.byteLength === this.chunkSize && this.pool.length < 4) this.pool.push(new Uint8Array(buffer));
  }
}
