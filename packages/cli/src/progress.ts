import type { CliIo } from "./io.js";

/**
 * A one-line progress bar on stderr, drawn only when stderr is a terminal and the input
 * size is known; otherwise silent, so logs and pipelines stay clean.
 */
export class Progress {
  private lastDraw = 0;
  private readonly active: boolean;

  constructor(
    private readonly io: CliIo,
    private readonly total: number | undefined,
    private readonly label: string,
  ) {
    this.active = total !== undefined && total > 0 && io.stderrIsTTY;
  }

  update(offset: number): void {
    if (!this.active) return;
    const now = Date.now();
    if (now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const frac = Math.min(1, offset / this.total!);
    const width = 30;
    const filled = Math.round(frac * width);
    const mib = (n: number) => (n / 1048576).toFixed(1);
    this.io.stderr(`\r${this.label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}% ${mib(offset)}/${mib(this.total!)} MiB`);
  }

  done(): void {
    if (this.active && this.lastDraw > 0) this.io.stderr("\r\x1b[K");
  }
}
