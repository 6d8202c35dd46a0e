import * as nodeFs from "node:fs";

/**
 * The two descriptor calls the stream reader and writer make, synchronous like `cat`'s:
 * a filter in a pipeline has nothing else to do while it waits, and a thread-pool round
 * trip per 64 KiB pipe read would leave it idle between reads. Built from any object with
 * node:fs's sync API, so tests can pass memfs and the CLI the real fs.
 */
export interface FdIo {
  read(fd: number, buf: Uint8Array, offset: number, length: number): number;
  write(fd: number, buf: Uint8Array, offset: number, length: number): number;
}

/** The sync subset of node:fs that {@link fdIoFrom} needs. */
export interface SyncFs {
  readSync(fd: number, buf: Uint8Array, offset: number, length: number, position: number | null): number;
  writeSync(fd: number, buf: Uint8Array, offset: number, length: number, position?: number | null): number;
}

/** Retries a call that a non-blocking descriptor answered with EAGAIN, after a short sleep. */
function retryEagain<T>(call: () => T): T {
  for (;;) {
    try {
      return call();
    } catch (e) {
      if ((e as NodeJS.ErrnoException)?.code !== "EAGAIN") throw e;
      Atomics.wait(SLEEPER, 0, 0, 1);
    }
  }
}
const SLEEPER = new Int32Array(new SharedArrayBuffer(4));

export function fdIoFrom(fs: SyncFs = nodeFs as unknown as SyncFs): FdIo {
  return {
    read: (fd, buf, offset, length) => retryEagain(() => fs.readSync(fd, buf, offset, length, null)),
    write: (fd, buf, offset, length) => retryEagain(() => fs.writeSync(fd, buf, offset, length)),
  };
}

/** Writes all of `bytes` to `fd` (a pipe may take less per call). */
export function writeFully(io: FdIo, fd: number, bytes: Uint8Array): void {
  for (let p = 0; p < bytes.length; ) p += io.write(fd, bytes, p, bytes.length - p);
}
