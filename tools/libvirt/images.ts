/**
 * The real `virsh save` images in samples/libvirt/: one per `save_image_format` libvirt 9.0
 * writes, and the facts the tool recorded about each (images.json).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../qemu/binaries.js";

/** libvirt 9.0's save_image_format values (zstd and sparse came later). */
export const SAVE_FORMATS = ["raw", "gzip", "bzip2", "xz", "lzop"] as const;
export type SaveFormat = (typeof SAVE_FORMATS)[number];

export const LIBVIRT_SAMPLES_DIR = join(repoRoot, "samples", "libvirt");

/** One entry of images.json. */
export interface LibvirtImageEntry {
  file: string;
  /** `virsh save-image-dumpxml` of the image, kept beside it. */
  dumpxml: string;
  format: SaveFormat;
  /** The number libvirt writes in the header's format word. */
  formatWord: number;
  libvirt: string;
  qemu: string;
  bytes: number;
  sha256: string;
}

export interface LibvirtImages {
  guest: { machine: string; cpu: string; memoryMiB: number; domainXml: string; qemuArgs: string[] };
  images: LibvirtImageEntry[];
}

export const imagePath = (file: string): string => join(LIBVIRT_SAMPLES_DIR, file);

/** Reads samples/libvirt/images.json. */
export function readLibvirtImages(): LibvirtImages {
  return JSON.parse(readFileSync(imagePath("images.json"), "utf8")) as LibvirtImages;
}
