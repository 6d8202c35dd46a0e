import type { FileStat } from "../io.js";
import type { ReadAt } from "./whole-copy.js";

/** Bytes read at a time. */
const PIECE = 1 << 20;
/**
 * The unit a hole is kept in: the usual file-system block and QEMU's page size, so a
 * mapped-ram page area stays as sparse as QEMU left it (wire-format.md §9.9).
 */
const BLOCK = 4096;
const ZEROS = Buffer.alloc(BLOCK);

/**
 * Whether a file has holes: fewer 512-byte blocks allocated than its size needs. A mapped-ram
 * file is mostly holes, which the kernel's whole-file copy (copy_file_range on a file system
 * without reflinks) would fill with zeros.
 */
export function isSparse(st: FileStat): boolean {
  return st.blocks !== undefined && st.blocks * 512 < st.size;
}

/**
 * Copies `size` bytes read by `read` into an empty file through `writeAt`, writing only the
 * 4 KiB blocks that hold a non-zero byte (consecutive ones in one write); the caller's
 * truncate then sets the length, so every other block stays a hole. Holes of the source read
 * back as zeros and stay holes; blocks of zeros the source had allocated become holes too,
 * which read back the same. (Node.js has no SEEK_DATA/SEEK_HOLE, so the holes are found by
 * reading them: the kernel returns zeros for a hole without touching the disk.) `turn` gives
 * signal handlers their chance between pieces: reading GiB of holes takes seconds.
 */
export async function copySparse(read: ReadAt, writeAt: (bytes: Uint8Array, position: number) => void, size: number, turn: () => Promise<void> | undefined): Promise<void> {
  for (let p = 0; p < size; p += PIECE) {
    const got = read(p, Math.min(PIECE, size - p));
    const piece = Buffer.from(got.buffer, got.byteOffset, got.length);
    let run = -1;
    for (let b = 0; b <= piece.length; b += BLOCK) {
      const data = b < piece.length && ZEROS.compare(piece, b, Math.min(b + BLOCK, piece.length), 0, Math.min(BLOCK, piece.length - b)) !== 0;
      if (data && run < 0) run = b;
      if (!data && run >= 0) {
        writeAt(piece.subarray(run, b), p + run);
        run = -1;
      }
    }
    if (run >= 0) writeAt(piece.subarray(run), p + run);
    await turn();
  }
}
