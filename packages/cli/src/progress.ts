import type { CliIo } from "./io.js";

/**
 * Progress on stderr, drawn only when it is wanted (no --no-progress, no -q), stderr is a
 * terminal and the input size is known (a file, also one given as `< file`); otherwise
 * silent, so logs and pipelines stay clean. A terminal that cannot move its cursor
 * (TERM=dumb: Emacs shells, some CI consoles) gets a plain line every tenth instead of a bar
 * redrawn with `\r` and erased with an escape code.
 */
export class Progress {
  private lastDraw = 0;
  private lastTenth = 0;
  private readonly active: boolean;
  private readonly plain: boolean;

  constructor(
    private readonly io: CliIo,
    private readonly total: number | undefined,
    private readonly label: string,
    wanted: boolean,
  ) {
    this.active = wanted && total !== undefined && total > 0 && io.stderrIsTTY;
    this.plain = io.term === "dumb";
  }

  update(offset: number): void {
    if (!this.active) return;
    const frac = Math.min(1, offset / this.total!);
    const mib = (n: number) => (n / 1048576).toFixed(1);
    const amount = `${(frac * 100).toFixed(0).padStart(3)}% ${mib(offset)}/${mib(this.total!)} MiB`;
    if (this.plain) {
      const tenth = Math.floor(frac * 10);
      if (tenth > this.lastTenth) this.io.stderr(`${this.label}: ${amount}\n`);
      this.lastTenth = Math.max(this.lastTenth, tenth);
      return;
    }
    const now = Date.now();
    if (now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const width = 30;
    const filled = Math.round(frac * width);
    this.io.stderr(`\r${this.label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${amount}`);
  }

  done(): void {
    if (this.active && !this.plain && this.lastDraw > 0) this.io.stderr("\r\x1b[K");
  }
}
