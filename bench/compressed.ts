/**
 * Compressed libvirt save images: `vmstate-rewrite --hide … -i IMAGE -o OUT` on a gzip image
 * of each benchmark stream, against the bare `gzip -dc | gzip -c` pipeline the same bytes go
 * through (gzip does most of the work), with vmstate's peak RSS, which should stay near the
 * raw rewrite's whatever the size: the stream is decompressed as it is read, never copied;
 * and `vmstate-inspect verify`'s peak RSS on the same image, which reads every record.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { timed, timedWithPeakRss } from "./timing.js";

const root = resolve(import.meta.dirname, "..");
const rewriteBin = join(root, "packages/cli/bin/vmstate-rewrite.cjs");
const inspectBin = join(root, "packages/cli/bin/vmstate-inspect.cjs");
const HEADER = 92 + 65536;

export function runCompressedBench(streams: string[], hide: string): void {
  const dir = mkdtempSync(join(tmpdir(), "vmstate-bench-compressed-"));
  try {
    for (const f of streams) {
      const image = join(dir, "image.sav");
      execFileSync("npx", ["tsx", join(root, "tools/libvirt-save-image.ts"), f, image, "gzip"], { stdio: "inherit" });
      const { seconds: ours, rssMiB: rss } = timedWithPeakRss(rewriteBin, ["--quiet", "--hide", hide, "-i", image, "-o", join(dir, "out.sav")]);
      const bare = timed("bash", ["-c", `tail -c +${HEADER + 1} '${image}' | gzip -dc | gzip -c > /dev/null`]);
      const mb = statSync(f).size / 1048576;
      console.log(
        `rewrite --hide of a gzip libvirt image (${mb.toFixed(0)} MB stream): vmstate ${ours.toFixed(3)} s, gzip -dc | gzip -c ${bare.toFixed(3)} s (${(ours / bare).toFixed(2)}x), peak RSS ${rss.toFixed(1)} MiB`,
      );
      // verify reads every record of the decompressed stream: its memory must stay flat too.
      const verify = timedWithPeakRss(inspectBin, ["verify", image]);
      console.log(`verify of a gzip libvirt image (${mb.toFixed(0)} MB stream): ${verify.seconds.toFixed(3)} s, peak RSS ${verify.rssMiB.toFixed(1)} MiB`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
