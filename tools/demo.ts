/**
 * `npm run demo`: the main job on a bundled real stream, as a user would run it.
 *
 * samples/newer-aarch64-virt-7.2-a57.mig was saved by QEMU 10.0 from a `-M virt-7.2 -cpu
 * cortex-a57` guest; QEMU 7.2 refuses it. The demo asks `vmstate-inspect explain` why and
 * for the fix, applies the fix with `vmstate-rewrite`, and when QEMU 7.2 is installed loads
 * the result in it.
 */
import { execFileSync } from "node:child_process";
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

function run(name: string, args: string[], stdio: "inherit" | "pipe" = "inherit"): string {
  console.log(`\n$ ${name} ${args.map((a) => (a.includes(" ") ? `'${a}'` : a)).join(" ")}`);
  return execFileSync(process.execPath, [bin(name), ...args], { stdio: ["ignore", stdio, "inherit"], encoding: "utf8" }) ?? "";
}

run("vmstate-inspect", ["explain", SOURCE, "--dest", DEST]);
const explained = JSON.parse(
  execFileSync(process.execPath, [bin("vmstate-inspect"), "explain", SOURCE, "--dest", DEST, "--json"], { encoding: "utf8" }),
) as { fix: { argv: string[] } | null };
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
