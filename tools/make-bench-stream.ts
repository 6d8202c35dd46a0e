/**
 * Writes a large, realistic migration stream for benchmarks: bench/out/large.mig (gitignored).
 *
 *   npx tsx tools/make-bench-stream.ts              # 1 GiB guest, ~300 MiB random data
 *   npx tsx tools/make-bench-stream.ts --scale 4    # 4 GiB guest, ~1.2 GiB random -> large-x4.mig
 *   npx tsx tools/make-bench-stream.ts --scale 16   # 16 GiB guest, ~4.7 GiB random -> large-x16.mig
 *   npx tsx tools/make-bench-stream.ts --scale 16 --cpu max --smp 16
 *                                                   # the same with 16 -cpu max vCPUs -> large-x16-max-16cpu.mig
 *   npx tsx tools/make-bench-stream.ts --out FILE
 *
 * Why random data: it does not compress and makes QEMU send real PAGE records (4 KiB each), so
 * a decoder's per-byte cost shows; zero pages alone would only measure record overhead. The
 * data is a deterministic AES-CTR keystream (fast, same bytes every run) put into guest RAM
 * with the generic loader at 0x48000000: a loader at 0x40000000 would overlap the DTB ROM
 * (`Some ROM regions are overlapping`); QEMU keeps the loaded files as ROM blobs besides guest
 * RAM, so it needs about twice the random data in memory (~10 GB at --scale 16). The VM is
 * captured paused, like the samples; then KVM_REG_ARM_VENDOR_HYP_BMAP_2 is put into its vCPU
 * as a newer host's QEMU would write it (tools/simulate-newer-source.ts), so that the
 * benchmark's `--hide` has something to remove. A JSON file next to the stream records the
 * arguments needed to load it back.
 */
import { createCipheriv } from "node:crypto";
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { once } from "node:events";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { qemuVersion, repoRoot, requireQemu } from "./qemu/binaries.js";
import { captureStream } from "./qemu/capture.js";
import { simulateNewerSource } from "./simulate-newer-source.js";
import { hex64 } from "@vmstate/wire";

const argv = process.argv.slice(2);
const opt = (name: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const scale = Number(opt("--scale") ?? "1");
if (!Number.isInteger(scale) || scale < 1 || scale > 16) throw new Error("--scale must be an integer 1..16");
// The report's size grows with the vCPUs (a cpu section and a register list each), so bench/report.ts
// also wants a guest of many vCPUs of the CPU model with the longest register list.
const cpu = opt("--cpu") ?? "cortex-a57";
const smp = Number(opt("--smp") ?? "1");
if (!Number.isInteger(smp) || smp < 1 || smp > 512) throw new Error("--smp must be an integer 1..512");
const variant = cpu === "cortex-a57" && smp === 1 ? "" : `-${cpu}-${smp}cpu`;
const out = opt("--out") ?? join(repoRoot, "bench", "out", `${scale === 1 ? "large" : `large-x${scale}`}${variant}.mig`);

const MiB = 1024 * 1024;
const guestMiB = 1024 * scale;
const randomBytes = 300 * MiB * scale;
const LOAD_ADDR = 0x48000000;
/** Put into every vCPU after capture (tools/simulate-newer-source.ts): KVM_REG_ARM_VENDOR_HYP_BMAP_2 = 0. */
const NEWER_REGISTERS = new Map([[0x6030000000160003n, 0n]]);

/**
 * QEMU reads a loader file with one read(), which Linux caps just under 2 GiB, so the data goes
 * in files of at most 1 GiB loaded at consecutive addresses.
 */
const PIECE = 1024 * MiB;

/**
 * Writes `size` bytes of one AES-128-CTR keystream (fixed key/iv: deterministic) into files
 * of at most PIECE bytes in `dir`; returns the `-device loader` arguments that put them into
 * guest RAM one after another from LOAD_ADDR.
 */
async function writeRandom(dir: string, size: number): Promise<string[]> {
  const cipher = createCipheriv("aes-128-ctr", Buffer.alloc(16, 0x5a), Buffer.alloc(16, 0));
  const zeros = Buffer.alloc(4 * MiB);
  const devices: string[] = [];
  for (let piece = 0, done = 0; done < size; piece++, done += PIECE) {
    const file = join(dir, `rand-${piece}.bin`);
    const ws = createWriteStream(file);
    for (let left = Math.min(PIECE, size - done); left > 0; left -= zeros.length) {
      const chunk = cipher.update(left >= zeros.length ? zeros : zeros.subarray(0, left));
      if (!ws.write(chunk)) await once(ws, "drain");
    }
    ws.end();
    await once(ws, "finish");
    devices.push("-device", `loader,file=${file},addr=0x${(LOAD_ADDR + done).toString(16)}`);
  }
  return devices;
}

async function main(): Promise<void> {
  const binary = requireQemu("aarch64");
  const work = mkdtempSync(join(tmpdir(), "vmstate-bench-"));
  try {
    console.log(`writing ${randomBytes / MiB} MiB of random data`);
    const loaders = await writeRandom(work, randomBytes);
    // GICv2, virt's default, serves at most 8 vCPUs.
    const machine = smp > 8 ? "virt,gic-version=3" : "virt";
    const args = ["-M", machine, "-cpu", cpu, ...(smp === 1 ? [] : ["-smp", String(smp)]), "-m", String(guestMiB), "-nodefaults"];
    mkdirSync(dirname(out), { recursive: true });
    console.log(`capturing ${guestMiB} MiB guest with ${qemuVersion(binary)}`);
    const t0 = Date.now();
    const captured = join(work, "captured.mig");
    const r = await captureStream({
      binary,
      args: [...args, ...loaders],
      runMs: 100,
      file: captured,
      timeoutMs: 30 * 60_000,
    });
    // What `vmstate-rewrite --hide` is for: the stream as a newer host's QEMU writes it.
    await simulateNewerSource(captured, out, NEWER_REGISTERS);
    const size = statSync(out).size;
    writeFileSync(
      out.replace(/\.mig$/, "") + ".json",
      JSON.stringify(
        {
          file: out,
          bytes: size,
          qemu: { kind: "aarch64", version: r.version },
          args,
          randomData: { bytes: randomBytes, guestAddress: `0x${LOAD_ADDR.toString(16)}`, generator: "aes-128-ctr keystream, key 16x0x5a, iv 0" },
          migrateStats: { normalPages: r.final.ram?.normal ?? 0, zeroPages: r.final.ram?.duplicate ?? 0 },
          insertedRegisters: Object.fromEntries([...NEWER_REGISTERS].map(([id, v]) => [hex64(id), hex64(v)])),
        },
        null,
        2,
      ) + "\n",
    );
    console.log(`${out}: ${size} bytes (${(size / MiB).toFixed(1)} MiB) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
