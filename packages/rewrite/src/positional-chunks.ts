import type { SkippingInput } from "@vmstate/wire";
import type { PositionalInput } from "@vmstate/stream";

/**
 * The file from its start in 256 KiB pieces, read at positions (the descriptor's offset
 * stays). What the decoder discards is skipped, not read: a mapped-ram file's page areas lie
 * inside its head (the RAM START's block list), and reading them would cost as much as RAM.
 */
export class PositionalChunks implements SkippingInput {
  private static readonly PIECE = 256 << 10;
  private position = 0;

  constructor(private readonly file: PositionalInput) {}

  *[Symbol.iterator](): Iterator<Uint8Array> {
    while (this.position < this.file.size) {
      const piece = this.file.readAt(this.position, Math.min(PositionalChunks.PIECE, this.file.size - this.position));
      if (piece.length === 0) return;
      this.position += piece.length;
      yield piece;
    }
  }

  skipUnread(n: number): number {
    const moved = Math.min(n, this.file.size - this.position);
    this.position += moved;
    return moved;
  }
}
