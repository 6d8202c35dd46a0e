import { fdIoFrom, isEagain, pause, type FdIo } from "./fd-io.js";

/**
 * Yields the bytes of a file descriptor (a file, or a pipe such as fd 0) in fresh chunks.
 *
 * Why not `process.stdin`: it turns fd 0 into a non-blocking socket with 64 KiB chunks and
 * stream machinery per chunk; plain reads of 1 MiB keep the per-byte cost near `cat`'s.
 * Each chunk is new memory because the decoder hands out views into it; the garbage
 * collector reclaims chunks as soon as the decoder moves past them.
 */
export async function* readFd(fd: number, io: FdIo = fdIoFrom(), chunkSize = 1 << 20): AsyncGenerator<Uint8Array> {
  for (;;) {
    const buf = new Uint8Array(chunkSize);
    let n: number;
    try {
      n = await io.read(fd, buf, 0, chunkSize);
    } catch (e) {
      if (!isEagain(e)) throw e;
      await pause();
      continue;
    }
    if (n === 0) return;
    yield n === chunkSize ? buf : buf.subarray(0, n);
  }
}
