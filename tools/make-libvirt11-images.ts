/**
 * Makes real `virsh save` images in the formats libvirt 11 added (zstd, and "sparse": QEMU's
 * mapped-ram), with Debian trixie's libvirt 11 and QEMU 11 in the trixie chroot, into
 * samples/libvirt/ (or the directory given as the first argument): each image, its
 * `virsh save-image-dumpxml` output as a golden file, and their facts in images.json's
 * `libvirt11` part.
 *
 * As root, after tools/fetch-qemu-trixie.sh and tools/fetch-libvirt-trixie.sh. The daemons run
 * in the chroot beside the system's libvirt, untouched (tools/libvirt/trixie-daemons.ts) and
 * are stopped at the end, whatever happened. For each format: `virsh create` of the same tiny
 * guest as tools/make-libvirt-images.ts, `virsh save --image-format FORMAT` (libvirt 11 takes
 * the format per save; qemu.conf's save_image_format stays as it is) and
 * `virsh save-image-dumpxml`. The sparse image is about 260 MiB of mostly holes (the guest's
 * RAM and flash at their mapped-ram offsets), so it is committed as a `tar --sparse` archive
 * holding `libvirt/sparse.sav` (expanded by test/support/packed-samples.ts).
 *
 *   npx tsx tools/make-libvirt11-images.ts [DIR]
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { GUEST_NAME, guestXml } from "./libvirt/guest.js";
import { LIBVIRT_SAMPLES_DIR, LIBVIRT11_SAVE_FORMATS, updateLibvirtImages, type LibvirtImageEntry } from "./libvirt/images.js";
import { qemuArgsFromLog } from "./libvirt/qemu-log.js";
import { startTrixieLibvirt } from "./libvirt/trixie-daemons.js";

async function sha256(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** The image's format word (header offset 28, little-endian: this host wrote it). */
function formatWord(path: string): number {
  return readFileSync(path).subarray(0, 32).readUInt32LE(28);
}

async function main(): Promise<void> {
  const dir = resolve(process.argv[2] ?? LIBVIRT_SAMPLES_DIR);
  mkdirSync(dir, { recursive: true });
  // In the temp directory: the chroot's daemons see it at the same path.
  const work = mkdtempSync(join(tmpdir(), "vmstate-libvirt11-"));
  const xmlFile = join(work, "guest.xml");
  writeFileSync(xmlFile, guestXml());
  const libvirt = await startTrixieLibvirt();
  const images: LibvirtImageEntry[] = [];
  let qemuArgs: string[] = [];
  try {
    const qemu = execFileSync("chroot", [libvirt.root, "qemu-system-aarch64", "--version"], { encoding: "utf8" }).split("\n")[0]!;
    for (const format of LIBVIRT11_SAVE_FORMATS) {
      libvirt.virshOk(["create", xmlFile]);
      qemuArgs = qemuArgsFromLog(libvirt.guestLog());
      const file = `${format}.sav`;
      const saved = join(work, file);
      libvirt.virshOk(["save", GUEST_NAME, saved, "--image-format", format]);
      const dumpxml = `${format}.dumpxml.xml`;
      writeFileSync(join(dir, dumpxml), libvirt.virshOk(["save-image-dumpxml", saved]));
      const entry: LibvirtImageEntry = {
        file,
        dumpxml,
        format,
        formatWord: formatWord(saved),
        libvirt: libvirt.version,
        qemu,
        bytes: statSync(saved).size,
        sha256: await sha256(saved),
      };
      if (format === "sparse") {
        const member = join(work, "pack", "libvirt");
        mkdirSync(member, { recursive: true });
        renameSync(saved, join(member, file));
        entry.archive = `${file}.tar.gz`;
        // --sparse stores the data ranges only; the holes come back as holes.
        execFileSync("tar", ["--sparse", "-czf", join(dir, entry.archive), "-C", join(work, "pack"), `libvirt/${file}`]);
        rmSync(join(dir, file), { force: true });
      } else {
        renameSync(saved, join(dir, file));
      }
      images.push(entry);
      console.log(`${file}: ${entry.bytes} bytes${entry.archive ? ` (committed as ${entry.archive}, ${statSync(join(dir, entry.archive)).size} bytes)` : ""}`);
    }
  } finally {
    await libvirt.stop();
    rmSync(work, { recursive: true, force: true });
  }
  updateLibvirtImages(dir, { libvirt11: { qemuArgs, images } });
}

await main();
