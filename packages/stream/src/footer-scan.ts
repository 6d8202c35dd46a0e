import { readBe32 } from "@vmstate/wire";
import { QEMU_VM } from "./constants.js";

/**
 * Without a vmdesc and without a schema, the only clue to where a FULL section ends is its
 * footer, `7e` + be32 section id. The same five bytes may occur inside device data, so a
 * candidate counts only when a well-formed element follows it: the end of the element list,
 * another START/FULL header whose name is printable and fits, a PART/END of a section, or a
 * command.
 * Returns the index of the footer, or -1. Callers mark what they found this way.
 */
export function scanForFooter(tail: Uint8Array, from: number, sectionId: number, listEnd: number): number {
  for (let p = tail.indexOf(QEMU_VM.SECTION_FOOTER, from); p >= 0 && p + 5 <= listEnd; p = tail.indexOf(QEMU_VM.SECTION_FOOTER, p + 1)) {
    if (readBe32(tail, p + 1) !== sectionId) continue;
    const next = p + 5;
    if (next === listEnd || plausibleElement(tail, next, listEnd)) return p;
  }
  return -1;
}

function plausibleElement(tail: Uint8Array, p: number, listEnd: number): boolean {
  const type = tail[p];
  if (type === QEMU_VM.SECTION_PART || type === QEMU_VM.SECTION_END) return p + 5 <= listEnd;
  if (type === QEMU_VM.COMMAND) return p + 5 <= listEnd;
  if ((type !== QEMU_VM.SECTION_FULL && type !== QEMU_VM.SECTION_START) || p + 6 > listEnd) return false;
  const len = tail[p + 5]!;
  if (len === 0 || p + 6 + len + 8 > listEnd) return false;
  for (let i = 0; i < len; i++) {
    const c = tail[p + 6 + i]!;
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}
