import { fdIoFrom, writeFully, type FdIo } from "./fd-io.js";

/**
 * Where encoded bytes go. When `write` has resolved the sink no longer refers to the
 * bytes, so the caller may reuse their memory.
 */
export interface ByteSink {
  write(bytes: Uint8Array): Promise<void> | void;
  /** Flush everything; the sink is unusable afterwards. */
  end(): Promise<void>;
}

/** Collects everything in memory: for tests and small outputs. */
export class MemorySink implements ByteSink {
  private parts: Uint8Array[] = [];
  private total = 0;

  write(bytes: Uint8Array): void {
    this.parts.push(bytes.slice());
    this.total += bytes.length;
  }

  async end(): Promise<void> {}

  /** All bytes written, joined. */
  bytes(): Uint8Array {
    const out = new Uint8Array(this.total);
    let p = 0;
    for (const part of this.parts) {
      out.set(part, p);
      p += part.length;
    }
    return out;
  }
}

/**
 * Writes to a file descriptor synchronously, as `cat` does. Small writes (record headers,
 * device sections) are gathered in one reused buffer; a large block (input passed through)
 * is written directly, without a copy.
 */
export class FdSink implements ByteSink {
  private readonly buf: Uint8Array;
  private used = 0;

  constructor(
    private readonly fd: number,
    private readonly io: FdIo = fdIoFrom(),
    bufferSize = 256 << 10,
  ) {
    this.buf = new Uint8Array(bufferSize);
  }

  write(bytes: Uint8Array): void {
    if (bytes.length >= this.buf.length >> 2) {
      this.flush();
      writeFully(this.io, this.fd, bytes);
      return;
    }
    if (this.used + bytes.length > this.buf.length) this.flush();
    this.buf.set(bytes, this.used);
    this.used += bytes.length;
  }

  private flush(): void {
    if (this.used === 0) return;
    writeFully(this.io, this.fd, this.buf.subarray(0, this.used));
    this.used = 0;
  }

  async end(): Promise<void> {
    this.flush();
  }
}
