/**
 * Makes real `virsh save` images with real libvirt, one per save_image_format, into
 * samples/libvirt/ (or the directory given as the first argument), with images.json and each
 * image's `virsh save-image-dumpxml` output as a golden file.
 *
 * As root, with Debian's libvirt-daemon-system and libvirt-clients: starts virtlogd and
 * libvirtd if they are not running, and for each format sets `save_image_format` in
 * /etc/libvirt/qemu.conf, restarts libvirtd (it reads qemu.conf only at start), runs the
 * tiny guest (`virsh create`), saves it (`virsh save`) and undefines nothing: a created
 * guest is transient, and saving ends it. Leaves save_image_format at "raw", libvirt's default.
 *
 *   npx tsx tools/make-libvirt-images.ts [DIR]
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { execFileSync } from "node:child_process";
import { restartLibvirtd, startLibvirt } from "./libvirt/daemons.js";
import { GUEST_CPU, GUEST_MACHINE, GUEST_MEMORY_MIB, GUEST_NAME, guestXml } from "./libvirt/guest.js";
import { LIBVIRT_SAMPLES_DIR, SAVE_FORMATS, type LibvirtImageEntry, type LibvirtImages } from "./libvirt/images.js";
import { configureQemuConf } from "./libvirt/qemu-conf.js";
import { libvirtVersion, virsh, virshOk } from "./libvirt/virsh.js";

/** The QEMU arguments libvirt used, from the guest's log (the last command line in it). */
function qemuArgsFromLog(): string[] {
  const log = readFileSync(`/var/log/libvirt/qemu/${GUEST_NAME}.log`, "utf8");
  const from = log.lastIndexOf("/usr/bin/qemu-system-aarch64 \\\n");
  const lines: string[] = [];
  for (const line of log.slice(from).split("\n").slice(1)) {
    lines.push(line.replace(/ \\$/, ""));
    if (!line.endsWith(" \\")) break;
  }
  return lines;
}

async function main(): Promise<void> {
  const dir = resolve(process.argv[2] ?? LIBVIRT_SAMPLES_DIR);
  mkdirSync(dir, { recursive: true });
  const work = join(tmpdir(), `vmstate-libvirt-${process.pid}`);
  mkdirSync(work, { recursive: true });
  const xmlFile = join(work, "guest.xml");
  writeFileSync(xmlFile, guestXml());
  await startLibvirt();
  const version = libvirtVersion();
  const qemu = execFileSync("qemu-system-aarch64", ["--version"], { encoding: "utf8" }).split("\n")[0]!;
  let qemuArgs: string[] = [];
  const images: LibvirtImageEntry[] = [];
  try {
    for (const format of SAVE_FORMATS) {
      configureQemuConf(format);
      await restartLibvirtd();
      if (virsh(["domstate", GUEST_NAME]).code === 0) virsh(["destroy", GUEST_NAME]);
      virshOk(["create", xmlFile]);
      qemuArgs = qemuArgsFromLog();
      const file = `${format}.sav`;
      const path = join(dir, file);
      rmSync(path, { force: true });
      virshOk(["save", GUEST_NAME, path]);
      const dumpxml = `${format}.dumpxml.xml`;
      writeFileSync(join(dir, dumpxml), virshOk(["save-image-dumpxml", path]));
      const bytes = readFileSync(path);
      images.push({
        file,
        dumpxml,
        format,
        formatWord: bytes.readUInt32LE(28),
        libvirt: version,
        qemu,
        bytes: bytes.length,
        sha256: createHash("sha256").update(bytes).digest("hex"),
      });
      console.log(`${file}: ${bytes.length} bytes`);
    }
  } finally {
    configureQemuConf("raw");
    await restartLibvirtd();
    rmSync(work, { recursive: true, force: true });
  }
  const manifest: LibvirtImages = {
    guest: { machine: GUEST_MACHINE, cpu: GUEST_CPU, memoryMiB: GUEST_MEMORY_MIB, domainXml: guestXml(), qemuArgs },
    images,
  };
  writeFileSync(join(dir, "images.json"), `${JSON.stringify(manifest, null, 2)}\n`);
}

await main();
