/**
 * The real `virsh save` images in samples/libvirt/: one per `save_image_format` libvirt 9.0
 * writes (tools/make-libvirt-images.ts, the system's libvirt), one per format libvirt 11 added
 * (tools/make-libvirt11-images.ts, trixie's libvirt in the chroot), and the facts the tools
 * recorded about each (images.json; each tool rewrites only its own part of it).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../qemu/binaries.js";

/** libvirt 9.0's save_image_format values. */
export const SAVE_FORMATS = ["raw", "gzip", "bzip2", "xz", "lzop"] as const;
export type SaveFormat = (typeof SAVE_FORMATS)[number];

/** The formats later libvirt added (zstd: 10.x; sparse, QEMU's mapped-ram: 11.2), made with 11.3. */
export const LIBVIRT11_SAVE_FORMATS = ["zstd", "sparse"] as const;
export type Libvirt11SaveFormat = (typeof LIBVIRT11_SAVE_FORMATS)[number];

export const LIBVIRT_SAMPLES_DIR = join(repoRoot, "samples", "libvirt");

/** One entry of images.json. */
export interface LibvirtImageEntry {
  file: string;
  /**
   * Set when the image is committed as this `tar --sparse` archive instead (a sparse image
   * whose logical size is mostly holes); its member is `libvirt/FILE`, so
   * test/support/packed-samples.ts expands it as the sample `libvirt/FILE`.
   */
  archive?: string;
  /** `virsh save-image-dumpxml` of the image, kept beside it. */
  dumpxml: string;
  format: SaveFormat | Libvirt11SaveFormat;
  /** The number libvirt writes in the header's format word. */
  formatWord: number;
  libvirt: string;
  qemu: string;
  /** The image's (logical) size. */
  bytes: number;
  sha256: string;
}

export interface LibvirtImages {
  /** The guest, and the QEMU command line libvirt 9.0 ran for it. */
  guest: { machine: string; cpu: string; memoryMiB: number; domainXml: string; qemuArgs: string[] };
  /** libvirt 9.0's images, one per SAVE_FORMATS entry. */
  images: LibvirtImageEntry[];
  /** libvirt 11's images of the same guest XML, and the QEMU command line it ran. */
  libvirt11: { qemuArgs: string[]; images: LibvirtImageEntry[] };
}

export const imagePath = (file: string): string => join(LIBVIRT_SAMPLES_DIR, file);

/** Reads samples/libvirt/images.json. */
export function readLibvirtImages(): LibvirtImages {
  return JSON.parse(readFileSync(imagePath("images.json"), "utf8")) as LibvirtImages;
}

/** Writes `part` into DIR/images.json, keeping what the other tool wrote there. */
export function updateLibvirtImages(dir: string, part: Partial<LibvirtImages>): void {
  const file = join(dir, "images.json");
  const before = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Partial<LibvirtImages>) : {};
  writeFileSync(file, `${JSON.stringify({ ...before, ...part }, null, 2)}\n`);
}
