import type { ByteSink } from "@vmstate/wire";
import type { TailRewrite } from "@vmstate/rewrite";

const PIECE = 1 << 20;

/** Reads `length` bytes of the input at `position`; its errors name the input. */
export type ReadAt = (position: number, length: number) => Uint8Array;

/**
 * Writes a file with its tail replaced into a sink written in order (standard output, a
 * device, a FIFO, a file written into): the unchanged bytes before `change.start` as they
 * are read (not decoded), then the new tail. `turn` gives signal handlers their chance
 * between pieces.
 */
export async function writeWithNewTail(read: ReadAt, change: TailRewrite, sink: ByteSink, turn: () => Promise<void> | undefined): Promise<void> {
  for (let p = 0; p < change.start; p += PIECE) {
    await sink.write(read(p, Math.min(PIECE, change.start - p)));
    await turn();
  }
  await sink.write(change.bytes);
  await sink.end();
}
