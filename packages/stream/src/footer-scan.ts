import { QEMU_VM } from "./constants.js";
import { FOOTER_SIZE, footerAt, parseFullHeaderAt } from "./section-header.js";

/**
 * Without a vmdesc and without a schema, the only clue to where a FULL section ends is its
 * footer, `7e` + be32 section id. The same five bytes may occur inside device data, so a
 * candidate counts only when a well-formed element follows it: the end of the element list,
 * another START/FULL header whose name is printable and fits, a PART/END of a section, or a
 * command.
 * Returns the index of the footer, or -1. Callers mark what they found this way.
 */
export function scanForFooter(tail: Uint8Array, from: number, sectionId: number, listEnd: number): number {
  for (let p = tail.indexOf(QEMU_VM.SECTION_FOOTER, from); p >= 0 && p + FOOTER_SIZE <= listEnd; p = tail.indexOf(QEMU_VM.SECTION_FOOTER, p + 1)) {
    if (!footerAt(tail, p, sectionId, listEnd)) continue;
    const next = p + FOOTER_SIZE;
    if (next === listEnd || plausibleElement(tail, next, listEnd)) return p;
  }
  return -1;
}

function plausibleElement(tail: Uint8Array, p: number, listEnd: number): boolean {
  const type = tail[p];
  if (type === QEMU_VM.SECTION_PART || type === QEMU_VM.SECTION_END) return p + 5 <= listEnd;
  if (type === QEMU_VM.COMMAND) return p + 5 <= listEnd;
  if (type !== QEMU_VM.SECTION_FULL && type !== QEMU_VM.SECTION_START) return false;
  const header = parseFullHeaderAt(tail, p, listEnd);
  return header !== undefined && /^[\x20-\x7e]+$/.test(header.idstr);
}
