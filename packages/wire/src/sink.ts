import { fdIoFrom, isEagain, pause, type FdIo } from "./fd-io.js";

/** Where encoded bytes go. `write` may copy or keep the view until it resolves. */
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
 * Writes to a file descriptor through two reused 1 MiB buffers: one fills while the other is
 * being written. Records of a few bytes (RAM page headers) are coalesced into large writes,
 * and memory stays flat whatever the stream size. A single `write` in flight gives
 * backpressure: a fast reader never runs ahead of a slow disk or pipe.
 */
export class FdSink implements ByteSink {
  private fill: Uint8Array;
  private spare: Uint8Array;
  private used = 0;
  private inFlight: Promise<unknown> | undefined;

  constructor(
    private readonly fd: number,
    private readonly io: FdIo = fdIoFrom(),
    bufferSize = 1 << 20,
  ) {
    this.fill = new Uint8Array(bufferSize);
    this.spare = new Uint8Array(bufferSize);
  }

  async write(bytes: Uint8Array): Promise<void> {
    let p = 0;
    while (p < bytes.length) {
      const take = Math.min(bytes.length - p, this.fill.length - this.used);
      this.fill.set(bytes.subarray(p, p + take), this.used);
      this.used += take;
      p += take;
      if (this.used === this.fill.length) await this.flush();
    }
  }

  private async flush(): Promise<void> {
    if (this.inFlight) await this.inFlight;
    const full = this.fill.subarray(0, this.used);
    this.inFlight = writeAll(this.io, this.fd, full);
    [this.fill, this.spare] = [this.spare, this.fill];
    this.used = 0;
  }

  async end(): Promise<void> {
    if (this.used > 0) await this.flush();
    if (this.inFlight) await this.inFlight;
    this.inFlight = undefined;
  }

  /** Flush and ask the kernel to put the data on disk (for write-aside-then-rename). */
  async sync(): Promise<void> {
    await this.end();
    await this.io.fsync(this.fd);
  }
}

async function writeAll(io: FdIo, fd: number, bytes: Uint8Array): Promise<void> {
  let p = 0;
  while (p < bytes.length) {
    try {
      p += await io.write(fd, bytes, p, bytes.length - p);
    } catch (e) {
      if (!isEagain(e)) throw e;
      await pause();
    }
  }
}
