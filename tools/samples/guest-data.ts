/**
 * Deterministic guest payloads the sample captures load into guest RAM with QEMU's generic
 * loader (`-device loader,file=…,addr=…`). Generated here so anyone can rerun the capture
 * without extra tools (no cross assembler, no committed binaries).
 */

/**
 * An AArch64 loop that keeps rewriting 64 pages and flushes the TLB each pass.
 *
 * Why: XBZRLE only encodes a page on its third send (bulk round, then a cached full send, then a
 * delta), so the guest must dirty the same pages round after round. Under TCG a store is seen as
 * a new dirtying only if it goes through the slow path again, which needs the TLB entry gone:
 * hence `tlbi vmalle1; dsb ish; isb` after every pass. Loaded at 0x40200000 with `cpu-num=0`, so
 * the generic loader points vCPU 0's PC at it; it runs at EL1 with the MMU off.
 *
 * Each word is the A64 encoding of the instruction in the comment (hand-assembled; labels:
 * `outer` = index 2, `inner` = index 5).
 */
export const XBZRLE_LOOP_WORDS: readonly number[] = [
  0xd2a80200, // 0  movz x0, #0x4010, lsl #16   x0 = 0x40100000, first page written
  0xd2800801, // 1  movz x1, #64                 pages per pass
  0x91000484, // 2  outer: add x4, x4, #1        the value stored this pass
  0xaa0003e5, // 3  mov x5, x0                   (orr x5, xzr, x0) page pointer
  0xaa0103e6, // 4  mov x6, x1                   (orr x6, xzr, x1) pages left
  0xf90000a4, // 5  inner: str x4, [x5]          dirty the page
  0x914004a5, // 6  add x5, x5, #1, lsl #12      next 4 KiB page
  0xf10004c6, // 7  subs x6, x6, #1
  0x54ffffa1, // 8  b.ne inner                   (imm19 = -3)
  0xd508871f, // 9  tlbi vmalle1                 make TCG take the dirty-tracking path again
  0xd5033b9f, // 10 dsb ish
  0xd5033fdf, // 11 isb
  0x17fffff6, // 12 b outer                      (imm26 = -10)
];

/** Guest address of the loop code, and of the 64 pages it rewrites. */
export const XBZRLE_LOOP_ADDR = 0x40200000;
export const XBZRLE_DATA_ADDR = 0x40100000;

/** The loop as little-endian bytes, ready for `-device loader,file=…`. */
export function xbzrleLoopBytes(): Buffer {
  const buf = Buffer.alloc(XBZRLE_LOOP_WORDS.length * 4);
  XBZRLE_LOOP_WORDS.forEach((w, i) => buf.writeUInt32LE(w, i * 4));
  return buf;
}

/**
 * `size` bytes of varied but compressible English-like text (deterministic).
 * Why: the `compress` capability only produces COMPRESS_PAGE records for non-zero pages; the
 * text compresses well, and its slowly changing numbers keep pages distinct.
 */
export function compressibleText(size: number): Buffer {
  const words = ["migration", "stream", "section", "page", "vmstate", "device", "register",
    "guest", "memory", "footer", "subsection", "qemu", "arm", "virt", "block", "offset"];
  const lines: string[] = [];
  let total = 0;
  let x = 12345;
  for (let n = 0; total < size; n++) {
    const parts: string[] = [];
    for (let k = 0; k < 8; k++) {
      x = (x * 1103515245 + 12345) >>> 0; // LCG: deterministic, no dependency
      parts.push(words[(x >>> 16) % words.length]!);
    }
    const line = `line ${String(n).padStart(6, "0")}: ${parts.join(" ")}.\n`;
    lines.push(line);
    total += line.length;
  }
  return Buffer.from(lines.join(""), "ascii").subarray(0, size);
}

/** Address where the compressible text goes (clear of the DTB at the start of RAM). */
export const COMPRESS_DATA_ADDR = 0x40400000;
