import type { ByteSink } from "@vmstate/wire";
import type { TailRewrite } from "@vmstate/rewrite";
import type { CliFs } from "../io.js";
import { readAt } from "./file-io.js";

const PIECE = 1 << 20;

/**
 * Writes a file with its tail replaced into a sink that cannot be seeked (standard output, a
 * device, a FIFO): the unchanged bytes before `change.start` as they are read (not decoded),
 * then the new tail. `turn` gives signal handlers their chance between pieces.
 */
export async function writeWithNewTail(fs: CliFs, fd: number, change: TailRewrite, sink: ByteSink, turn: () => Promise<void> | undefined): Promise<void> {
  for (let p = 0; p < change.start; p += PIECE) {
    await sink.write(readAt(fs, fd, p, Math.min(PIECE, change.start - p)));
    await turn();
  }
  await sink.write(change.bytes);
  await sink.end();
}
