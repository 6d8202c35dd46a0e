import type { ByteSink } from "@vmstate/wire";
import type { CompressedImage } from "../stream-input.js";
import { CompressorProcess } from "./compressor-process.js";

/**
 * A sink that writes a compressed libvirt image the way libvirt writes one: the header and
 * XML area (the first `headerLength` bytes) as they are, then the QEMU stream through the
 * format's compressor (`gzip -c`, `xz -c -3`, …), whose output goes on to `out` as it comes.
 * The header records no compressed size, so nothing in it changes.
 */
export function compressingSink(out: ByteSink, image: CompressedImage): ByteSink & { stop(): void } {
  let headerLeft = image.headerLength;
  let program: CompressorProcess | undefined;
  let pumping: Promise<void> | undefined;
  let outputError: unknown;
  // Set by stop(): the owner closes `out` right after, while the program's output may still
  // hold chunks that a kill does not take back. A write of those would go to a closed
  // descriptor, or to whatever the process opened next under its number (a pipe to another
  // program, on which the synchronous write waits forever).
  let stopped = false;
  const start = async (): Promise<CompressorProcess> => {
    const p = new CompressorProcess(image.compressor, "compress");
    await p.ready();
    pumping = (async () => {
      try {
        for await (const c of p.output()) {
          if (stopped) return;
          await out.write(c);
        }
      } catch (e) {
        // stop() let go of the program's output, which ends this loop with an error of its own.
        if (stopped) return;
        // The output failed (a full disk): stop the program, or it would wait forever for
        // its output to be read, and the next write with it.
        outputError = e;
        p.stop();
      }
    })();
    return p;
  };
  const check = () => {
    if (outputError !== undefined) throw outputError;
  };
  return {
    async write(bytes) {
      check();
      if (headerLeft > 0) {
        const n = Math.min(headerLeft, bytes.length);
        await out.write(bytes.subarray(0, n));
        headerLeft -= n;
        bytes = bytes.subarray(n);
        if (bytes.length === 0) return;
      }
      program ??= await start();
      // The compressor stopped reading: the output's error, or its exit status at the end, says why.
      if (!(await program.write(bytes))) check();
    },
    async end() {
      program ??= await start();
      program.endInput();
      await pumping;
      check();
      await program.finished();
      await out.end();
    },
    /** Ends the compressor when the rewrite failed before `end`. */
    stop() {
      stopped = true;
      program?.stop();
    },
  };
}
