/**
 * `npm run demo`: the main job on bundled streams, as a user would run it.
 *
 * 1. The headline: samples/simulated-kvm-bmap2-aarch64-virt-7.2-a57.mig carries
 *    KVM_REG_ARM_VENDOR_HYP_BMAP_2 the way a Linux 6.15+ host's QEMU saves it (put into a real
 *    QEMU 7.2 capture); QEMU 7.2 refuses it, and `vmstate-rewrite --hide 0x6030000000160003`
 *    makes it load.
 * 2. A whole QEMU release apart: samples/v11-aarch64-virt-7.2-a57.mig was saved by QEMU 11.1
 *    from a `-M virt-7.2 -cpu cortex-a57` guest. `vmstate-inspect explain` says why QEMU 7.2
 *    refuses it and what would fix it; `vmstate-rewrite --fit` applies that in one step.
 * When QEMU 7.2 is installed, every stream is loaded in it, before and after.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { qemuAvailability } from "./qemu/binaries.js";
import { loadStream } from "./qemu/load.js";

const root = resolve(import.meta.dirname, "..");
const sample = (f: string) => join(root, "samples", f);
const KVM = sample("simulated-kvm-bmap2-aarch64-virt-7.2-a57.mig");
const NEWER = sample("v11-aarch64-virt-7.2-a57.mig");
const DEST = sample("aarch64-virt-7.2-a57.mig");
const ARGS = ["-M", "virt-7.2", "-cpu", "cortex-a57", "-m", "32", "-nodefaults"];
const bin = (name: string) => join(root, "packages/cli/bin", `${name}.cjs`);
const work = mkdtempSync(join(tmpdir(), "vmstate-demo-"));

/** Runs one of our commands; `expected` lists the exit statuses that are not a failure. */
function run(name: string, args: string[], { stdin, expected = [0] }: { stdin?: string; expected?: number[] } = {}): void {
  const shown = args.map((a) => a.replace(`${root}/`, "")).join(" ");
  console.log(`\n$ ${name} ${shown}${stdin ? ` < ${stdin.replace(`${root}/`, "")}` : ""}`);
  const r = spawnSync("sh", ["-c", `exec "$0" "$@"${stdin ? ' < "$STDIN"' : ""}`, process.execPath, bin(name), ...args], {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, STDIN: stdin ?? "" },
  });
  if (r.status === null || !expected.includes(r.status)) throw new Error(`${name} exited with ${r.status ?? r.signal}`);
  console.log(`(exit status ${r.status})`);
}

const qemu = qemuAvailability("aarch64");
async function loadIn72(label: string, file: string): Promise<void> {
  if (!qemu.available) return;
  const r = await loadStream({ binary: qemu.binary!, args: ARGS, file });
  const said = r.stderr.trim().split("\n").filter(Boolean).slice(0, 2).join(" / ");
  console.log(`QEMU 7.2 loading ${label}: ${r.ok ? "loaded" : `refused (${said || r.reason})`}`);
}

console.log("== 1. A register a newer host kernel added (KVM_REG_ARM_VENDOR_HYP_BMAP_2)");
const hidden = join(work, "old-compatible.mig");
run("vmstate-rewrite", ["--hide", "0x6030000000160003", "-o", hidden], { stdin: KVM });
await loadIn72("the stream as saved", KVM);
await loadIn72("the rewritten stream", hidden);

console.log("\n== 2. A stream saved by QEMU 11.1, for QEMU 7.2");
// explain exits 6 when the destination would refuse the stream.
run("vmstate-inspect", ["explain", NEWER, "--dest", DEST, "--dest-qemu", "7.2"], { expected: [6] });
const fitted = join(work, "fitted.mig");
run("vmstate-rewrite", ["-i", NEWER, "-o", fitted, "--fit", DEST, "--dest-qemu", "7.2"]);
await loadIn72("the stream as saved by QEMU 11.1", NEWER);
await loadIn72("the fitted stream", fitted);

if (!qemu.available) console.log(`\n(QEMU 7.2 is not installed, so nothing was loaded: ${qemu.reason})`);
console.log(`\nOutputs are in ${work}`);
