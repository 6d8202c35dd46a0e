/**
 * `npm run demo`: the main job on a bundled real stream, as a user would run it.
 *
 * samples/newer-aarch64-virt-7.2-a57.mig was saved by QEMU 10.0 from a `-M virt-7.2 -cpu
 * cortex-a57` guest; QEMU 7.2 refuses it. The demo asks `vmstate-inspect explain` why and
 * for the fix, applies the fix with `vmstate-rewrite`, and when QEMU 7.2 is installed loads
 * the result in it.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { qemuAvailability } from "./qemu/binaries.js";
import { loadStream } from "./qemu/load.js";

const root = resolve(import.meta.dirname, "..");
const SOURCE = join(root, "samples/newer-aarch64-virt-7.2-a57.mig");
const DEST = join(root, "samples/aarch64-virt-7.2-a57.mig");
const ARGS = ["-M", "virt-7.2", "-cpu", "cortex-a57", "-m", "32", "-nodefaults"];
const bin = (name: string) => join(root, "packages/cli/bin", `${name}.cjs`);

/** Runs one of our commands; `expected` lists the exit statuses that are not a failure. */
function run(name: string, args: string[], { show = true, expected = [0] } = {}): string {
  if (show) console.log(`\n$ ${name} ${args.map((a) => (a.includes(" ") ? `'${a}'` : a)).join(" ")}`);
  const r = spawnSync(process.execPath, [bin(name), ...args], { stdio: ["ignore", show ? "inherit" : "pipe", "inherit"], encoding: "utf8" });
  if (r.status === null || !expected.includes(r.status)) throw new Error(`${name} exited with ${r.status ?? r.signal}`);
  if (show) console.log(`(exit status ${r.status})`);
  return r.stdout ?? "";
}

// explain exits 6 when the destination would refuse the stream.
run("vmstate-inspect", ["explain", SOURCE, "--dest", DEST], { expected: [6] });
const explained = JSON.parse(run("vmstate-inspect", ["explain", SOURCE, "--dest", DEST, "--json"], { show: false, expected: [6] })) as {
  fix: { argv: string[] } | null;
};
if (!explained.fix) throw new Error("explain proposed no fix");

const fixed = join(mkdtempSync(join(tmpdir(), "vmstate-demo-")), "fixed.mig");
run("vmstate-rewrite", ["-i", SOURCE, "-o", fixed, ...explained.fix.argv]);
console.log(`\nwrote ${fixed}`);

const qemu = qemuAvailability("aarch64");
if (!qemu.available) {
  console.log(`\n(QEMU 7.2 is not installed, so the demo stops here: ${qemu.reason})`);
} else {
  for (const [label, file] of [["as saved by QEMU 10.0", SOURCE], ["after vmstate-rewrite", fixed]] as const) {
    const r = await loadStream({ binary: qemu.binary!, args: ARGS, file });
    const said = r.stderr.trim().split("\n").filter(Boolean).slice(0, 2).join(" / ");
    console.log(`\nQEMU 7.2 loading the stream ${label}: ${r.ok ? "loaded" : `refused (${said || r.reason})`}`);
  }
}
