import { spawn, type ChildProcessByStdio } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import type { LibvirtCompressor } from "@vmstate/stream";
import { MalformedError } from "@vmstate/wire";
import { FileProblem } from "./system-error.js";

type Child = ChildProcessByStdio<Writable, Readable, Readable>;

/**
 * One run of a libvirt image's compressor (`gzip -dc`, `xz -c -3`, …): bytes written to its
 * standard input one write at a time, each awaited until the pipe took it (so memory stays
 * flat and a caller may reuse its buffer), its output read as it comes.
 */
export class CompressorProcess {
  private readonly child: Child;
  private readonly started: Promise<void>;
  private readonly exited: Promise<number | null>;
  private stderrText = "";
  private inputError: Error | undefined;
  /** Bytes the program has written so far: where its output stopped, when it fails. */
  private produced = 0;

  constructor(
    readonly compressor: LibvirtCompressor,
    private readonly direction: "decompress" | "compress",
  ) {
    const args = direction === "decompress" ? compressor.decompress : compressor.compress;
    this.child = spawn(compressor.program, [...args], { stdio: ["pipe", "pipe", "pipe"] });
    this.started = new Promise((resolve, reject) => {
      this.child.once("spawn", resolve);
      this.child.once("error", (e: NodeJS.ErrnoException) => reject(e.code === "ENOENT" ? this.missing() : e));
    });
    this.exited = new Promise((resolve) => this.child.once("close", (code) => resolve(code)));
    this.child.stderr.setEncoding("utf8").on("data", (t: string) => {
      if (this.stderrText.length < 4096) this.stderrText += t;
    });
    // A program that stops reading (bad data) breaks the pipe: its exit status tells why.
    this.child.stdin.on("error", (e) => (this.inputError ??= e));
  }

  /** Resolves once the program runs; rejects, naming the package, when it is not installed. */
  ready(): Promise<void> {
    return this.started;
  }

  /** Writes to the program's standard input; false once the program stopped reading. */
  async write(bytes: Uint8Array): Promise<boolean> {
    if (this.inputError !== undefined) return false;
    await new Promise<void>((resolve) => this.child.stdin.write(bytes, () => resolve()));
    return this.inputError === undefined;
  }

  endInput(): void {
    this.child.stdin.end();
  }

  /** The program's output, chunk by chunk, as it arrives. */
  async *output(): AsyncGenerator<Uint8Array> {
    for await (const c of this.child.stdout as AsyncIterable<Buffer>) {
      this.produced += c.length;
      yield new Uint8Array(c.buffer, c.byteOffset, c.length);
    }
  }

  /**
   * Waits for the program to exit; throws when it failed. A decompressor's failure is said at
   * the offset of the decompressed image where its output stopped (`start`: where it began).
   */
  async finished(start = 0): Promise<void> {
    await this.started;
    const code = await this.exited;
    if (code === 0) return;
    const line = this.stderrText.split("\n").find((l) => l.trim() !== "") ?? `exit status ${code}`;
    const what = `${this.compressor.program} ${this.direction === "decompress" ? this.compressor.decompress.join(" ") : this.compressor.compress.join(" ")}`;
    // Undecompressible data is a damaged image (exit 1); a compressor failing is the output's problem (exit 3).
    if (this.direction === "decompress") {
      throw new MalformedError("MALFORMED", `the ${this.compressor.format} QEMU stream of this libvirt image does not decompress: ${what}: ${line.trim()}`, {
        offset: start + this.produced,
        path: "libvirt image",
      });
    }
    throw new FileProblem(`compressing the rewritten stream failed: ${what}: ${line.trim()}`);
  }

  /**
   * Stops the program if it still runs (the reader gave up early), and lets go of its output:
   * what it wrote and nobody read would otherwise keep the pipe open after it ended.
   */
  stop(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill();
    this.child.stdout.destroy();
  }

  private missing(): FileProblem {
    const c = this.compressor;
    return new FileProblem(
      `${c.program} is needed to ${this.direction} this ${c.format}-compressed libvirt save image and was not found in PATH: install it (Debian, Ubuntu: apt-get install ${c.debianPackage})`,
    );
  }
}
