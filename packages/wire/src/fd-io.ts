import * as nodeFs from "node:fs";

/**
 * The three descriptor calls the streaming reader and writer make, as promises. Built from
 * any object with node:fs's callback API, so tests can pass memfs and the CLI the real fs.
 */
export interface FdIo {
  read(fd: number, buf: Uint8Array, offset: number, length: number): Promise<number>;
  write(fd: number, buf: Uint8Array, offset: number, length: number): Promise<number>;
  fsync(fd: number): Promise<void>;
}

/** The callback-style subset of node:fs that {@link fdIoFrom} needs. */
export interface CallbackFs {
  read(fd: number, buf: Uint8Array, offset: number, length: number, position: null, cb: (err: NodeJS.ErrnoException | null, n: number) => void): void;
  write(fd: number, buf: Uint8Array, offset: number, length: number, cb: (err: NodeJS.ErrnoException | null, n: number) => void): void;
  fsync(fd: number, cb: (err: NodeJS.ErrnoException | null) => void): void;
}

export function fdIoFrom(fs: CallbackFs = nodeFs as unknown as CallbackFs): FdIo {
  return {
    read: (fd, buf, offset, length) =>
      new Promise((resolve, reject) => fs.read(fd, buf, offset, length, null, (err, n) => (err ? reject(err) : resolve(n)))),
    write: (fd, buf, offset, length) =>
      new Promise((resolve, reject) => fs.write(fd, buf, offset, length, (err, n) => (err ? reject(err) : resolve(n)))),
    fsync: (fd) => new Promise((resolve, reject) => fs.fsync(fd, (err) => (err ? reject(err) : resolve()))),
  };
}

/** A non-blocking pipe answers EAGAIN when it has nothing or no room; wait briefly then. */
export function isEagain(e: unknown): boolean {
  return (e as NodeJS.ErrnoException)?.code === "EAGAIN";
}

export const pause = (): Promise<void> => new Promise((r) => setTimeout(r, 1));
