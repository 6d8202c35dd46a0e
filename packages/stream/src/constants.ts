/**
 * Wire constants, spelled as in QEMU so a reader can grep QEMU's source for them.
 * Each comment names where QEMU writes the value.
 */

/** File header (migration/savevm.c: qemu_savevm_state_header). */
export const QEMU_VM_FILE_MAGIC = 0x5145564d;
export const QEMU_VM_FILE_VERSION = 3;
/** Recognised only to be refused, as QEMU does (savevm.c: qemu_loadvm_state_header). */
export const QEMU_VM_FILE_VERSION_COMPAT = 2;

/** Top-level type bytes (migration/savevm.h). */
export const QEMU_VM = {
  EOF: 0x00,
  SECTION_START: 0x01,
  SECTION_PART: 0x02,
  SECTION_END: 0x03,
  SECTION_FULL: 0x04,
  SUBSECTION: 0x05,
  VMDESCRIPTION: 0x06,
  CONFIGURATION: 0x07,
  COMMAND: 0x08,
  SECTION_FOOTER: 0x7e,
} as const;

/** RAM record flags, low bits of each record's be64 word (migration/ram.c: save_page_header). */
export const RAM_SAVE_FLAG = {
  FULL: 0x001,
  ZERO: 0x002,
  MEM_SIZE: 0x004,
  PAGE: 0x008,
  EOS: 0x010,
  CONTINUE: 0x020,
  XBZRLE: 0x040,
  HOOK: 0x080,
  COMPRESS_PAGE: 0x100,
  MULTIFD_FLUSH: 0x200,
} as const;

/**
 * Every RAM flag fits in the low 10 bits, and offsets are multiples of the target page size
 * (at least 1 KiB), so the split of a record word never depends on the page size.
 */
export const RAM_FLAG_MASK = 0x3ff;

/** XBZRLE encoding byte (migration/ram.c: save_xbzrle_page). */
export const ENCODING_FLAG_XBZRLE = 0x01;

/** Command ids (migration/savevm.c: enum qemu_vm_cmd). */
export const MIG_CMD = {
  INVALID: 0,
  OPEN_RETURN_PATH: 1,
  PING: 2,
  POSTCOPY_ADVISE: 3,
  POSTCOPY_LISTEN: 4,
  POSTCOPY_RUN: 5,
  POSTCOPY_RAM_DISCARD: 6,
  PACKAGED: 7,
  ENABLE_COLO: 8,
  POSTCOPY_RESUME: 9,
  RECV_BITMAP: 10,
  SWITCHOVER_START: 11,
} as const;

export const MIG_CMD_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(MIG_CMD).map(([name, id]) => [id, name]),
);

/** Configuration subsection names (migration/savevm.c: vmstate_configuration). */
export const CONFIGURATION_NAME = "configuration";
export const CONFIG_SUB = {
  TARGET_PAGE_BITS: "configuration/target-page-bits",
  CAPABILITIES: "configuration/capabilities",
  UUID: "configuration/uuid",
} as const;

/** Capabilities that change the RAM block list layout (migration/ram.c: ram_save_setup). */
export const CAP_X_IGNORE_SHARED = "x-ignore-shared";
export const CAP_MAPPED_RAM = "mapped-ram";

/** zlib's compressBound(4096) bounds a compressed page (migration/qemu-file.c). */
export function compressBound(n: number): number {
  return n + (n >>> 12) + (n >>> 14) + (n >>> 25) + 13;
}
