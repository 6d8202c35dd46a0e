import type { RecyclingInput } from "./fd-reader.js";

/**
 * The input chunks a ByteSource has read, handed on, in order and as they are, once it has
 * consumed them entirely: the pass-through that lets a rewrite write RAM out as the very
 * buffers it was read into (no copy, and with a recycling input, no new memory either).
 */
export class ConsumedChunks {
  private queue: Uint8Array[] = [];
  /** Absolute offset of queue[0][0]. */
  private base: number;

  constructor(
    private readonly consumer: (bytes: Uint8Array) => Promise<void> | void,
    start: number,
    private readonly recycler: RecyclingInput | undefined,
  ) {
    this.base = start;
  }

  /** A chunk just read (chunks must be added in input order). */
  add(chunk: Uint8Array): void {
    this.queue.push(chunk);
  }

  /**
   * Hands on every chunk that ends at or before `offset`. `reuse` says whether their memory
   * may be recycled afterwards: not while the reader still keeps views of consumed bytes
   * (an open record mark).
   */
  async release(offset: number, reuse: boolean): Promise<void> {
    while (this.queue.length > 0 && this.base + this.queue[0]!.length <= offset) {
      const chunk = this.queue.shift()!;
      await this.consumer(chunk);
      this.base += chunk.length;
      if (reuse) this.recycler?.recycle(chunk.buffer);
    }
  }

  /** Hands on everything before `offset`, the last chunk in part, and forgets the rest. */
  async finish(offset: number): Promise<void> {
    await this.release(offset, false);
    const last = this.queue[0];
    if (last !== undefined && offset > this.base) await this.consumer(last.subarray(0, offset - this.base));
    this.queue = [];
  }
}
