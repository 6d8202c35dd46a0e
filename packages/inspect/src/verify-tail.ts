/**
 * The lenient second walk of a stream's device tail (its FULL sections, EOF and vmdesc) for
 * `verify`: every problem, each with its offset, and the walk goes on after one.
 *
 * Why a second walk: the decoder stops at the first inconsistency, which is right for reading
 * but shows one problem where there may be several (a vmdesc edited in two places, a damaged
 * section followed by good ones). Here a section whose description does not fit is reported and
 * then skipped to its footer (`7e <section id>`, found by `scanForFooter`), and the walk
 * continues with the next one. Without footers a section that does not fit ends the walk: there
 * is nothing else to find the next section by.
 *
 * Checked per section: described by the vmdesc (once, in order), walk ends exactly at the
 * footer (or, without footers, where a next element plausibly starts), field checks
 * ({@link checkWalkedFields}); then vmdesc entries that no section used, and the bytes after
 * the element list ({@link findVmdesc}, {@link explainAfterEof}).
 */
import { readBe32, TruncatedError, UnsupportedError, printable } from "@vmstate/wire";
import { checkWalkedFields, FOOTER_SIZE, QEMU_VM, footerAt, parseFullHeaderAt, scanForFooter, type FullHeaderAt } from "@vmstate/stream";
import { walkSection, type DeviceDesc, type Vmdesc, type WalkResult } from "@vmstate/vmsd";
import { ARM_CPU_IDSTR, walkArmCpu } from "@vmstate/arm";
import { ProblemList } from "./problems.js";
import { explainAfterEof, findVmdesc } from "./vmdesc-locate.js";
import { DeviceMatcher } from "./device-matcher.js";

export interface TailCheck {
  /** Absolute offset of `tail[0]`. */
  base: number;
  /** Whether sections carry footers, when the decoder saw it; else learnt from the first section. */
  footers: boolean | undefined;
  /** Iterative sections the decoder read inside the tail: absolute start → absolute end. */
  decodedSpans: ReadonlyMap<number, number>;
  problems: ProblemList;
}

/** What the walk learnt, for the report and the checks that need the vmdesc. */
export interface TailResult {
  doc: Vmdesc | undefined;
  /** Absolute offset of the vmdesc's 0x06 byte. */
  vmdescAt: number | undefined;
  sections: number;
}

const ELEMENT_TYPES = new Set<number>([QEMU_VM.EOF, QEMU_VM.SECTION_START, QEMU_VM.SECTION_PART, QEMU_VM.SECTION_END, QEMU_VM.SECTION_FULL, QEMU_VM.COMMAND]);

export function verifyTail(tail: Uint8Array, check: TailCheck): TailResult {
  return new TailWalk(tail, check).run();
}

class TailWalk {
  private readonly problems: ProblemList;
  private readonly base: number;
  private footers: boolean | undefined;
  private end = 0;
  /** No trailer: the last byte is taken for the EOF byte, and the input may be cut short. */
  private guessedEnd = false;
  private hasTrailer = false;
  private matcher = new DeviceMatcher(undefined, 0);
  private sections = 0;

  constructor(
    private readonly tail: Uint8Array,
    private readonly check: TailCheck,
  ) {
    this.problems = check.problems;
    this.base = check.base;
    this.footers = check.footers;
  }

  run(): TailResult {
    const { tail, base, problems } = this;
    const found = findVmdesc(tail, base, problems);
    this.hasTrailer = found !== undefined;
    this.guessedEnd = found === undefined && tail[tail.length - 1] === QEMU_VM.EOF;
    this.end = found ? found.eof : this.guessedEnd ? tail.length - 1 : tail.length;
    this.matcher = new DeviceMatcher(found?.doc, base + (found?.vmdesc ?? 0));
    let p = 0;
    while (p >= 0 && p < this.end) p = this.element(p);
    if (p === this.end && found === undefined && !this.guessedEnd) {
      problems.add("TRUNCATED", "the stream ends without its EOF byte", base + tail.length);
    }
    this.matcher.reportUnused(problems);
    return { doc: found?.doc, vmdescAt: found ? base + found.vmdesc : undefined, sections: this.sections };
  }

  /** Checks the element at `p`; returns where the next one starts, or -1 to stop. */
  private element(p: number): number {
    const { tail, base, problems } = this;
    const type = tail[p]!;
    if (type === QEMU_VM.SECTION_FULL) return this.full(p);
    if (type === QEMU_VM.EOF) {
      explainAfterEof(tail, p, base, problems);
      return -1;
    }
    if (type === QEMU_VM.COMMAND && p + 5 <= this.end) return p + 5 + ((tail[p + 3]! << 8) | tail[p + 4]!);
    const decodedEnd = this.check.decodedSpans.get(base + p);
    if (decodedEnd !== undefined) return decodedEnd - base;
    const what = ELEMENT_TYPES.has(type) ? `an element of type 0x${type.toString(16)} that cannot be checked here` : `unknown element type 0x${type.toString(16)}`;
    problems.add(ELEMENT_TYPES.has(type) ? "UNSUPPORTED" : "MALFORMED", `${what}; the walk stops`, base + p);
    return -1;
  }

  private full(p: number): number {
    const { tail, base, problems } = this;
    const h = parseFullHeaderAt(tail, p, this.end);
    if (h === undefined) {
      // Not a header: its name is empty, or it does not fit.
      const why = p + 6 <= this.end && tail[p + 5] === 0 ? "empty section name" : "section header cut short";
      problems.add(this.hasTrailer ? "MALFORMED" : "TRUNCATED", why, base + p);
      return -1;
    }
    this.sections++;
    const path = `${printable(h.idstr)} (${h.instanceId})`;
    const desc = this.matcher.match(h.idstr, h.instanceId, base + p, path, problems);
    const { walk, failed } = this.walk(desc, h, path);
    if (this.footers === undefined) {
      this.footers = walk ? footerAt(tail, walk.end, h.sectionId, this.end) : scanForFooter(tail, h.end, h.sectionId, this.end) >= 0;
    }
    if (this.footers) return this.afterFooter(h, walk, desc !== undefined, path);
    if (walk === undefined) {
      if (failed) return -1;
      problems.add("UNSUPPORTED", "no vmdesc entry, no built-in schema and no footers: cannot find where this section ends; the walk stops", base + h.end, path);
      return -1;
    }
    if (walk.end < this.end && !ELEMENT_TYPES.has(tail[walk.end]!)) {
      problems.add("SIZE_MISMATCH", `the ${desc ? "vmdesc" : "built-in schema"} walk ends at 0x${(base + walk.end).toString(16)}, where no element starts`, base + walk.end, path);
      return -1;
    }
    return walk.end;
  }

  /**
   * With footers on: where the next element starts. The walk should end on the footer; else the
   * footer is searched for (and the walk reported as a misfit), else a footer naming another
   * section where the walk ended is reported as such, else the walk cannot go on.
   */
  private afterFooter(h: FullHeaderAt, walk: WalkResult | undefined, byVmdesc: boolean, path: string): number {
    const { tail, base, problems } = this;
    if (walk && footerAt(tail, walk.end, h.sectionId, this.end)) return walk.end + FOOTER_SIZE;
    let footer = scanForFooter(tail, h.end, h.sectionId, this.end);
    if (footer < 0 && !this.hasTrailer) footer = footerBeforeEof(tail, h.end, h.sectionId);
    if (footer >= 0) {
      if (walk) this.misfit(walk.end, footer, byVmdesc, path);
      return footer + FOOTER_SIZE;
    }
    if (walk && tail[walk.end] === QEMU_VM.SECTION_FOOTER && walk.end + FOOTER_SIZE <= this.end) {
      problems.add("BAD_FOOTER", `the footer names section ${readBe32(tail, walk.end + 1)}, expected ${h.sectionId}`, base + walk.end, path);
      return walk.end + FOOTER_SIZE;
    }
    if (this.hasTrailer) problems.add("BAD_FOOTER", "no footer for this section: cannot find where it ends; the walk stops", base + h.end, path);
    else problems.add("TRUNCATED", "no footer for this section before the input ends: the stream is truncated or damaged", base + tail.length, path);
    return -1;
  }

  /** Walks with the vmdesc entry or the built-in schema; reports what does not fit. */
  private walk(desc: DeviceDesc | undefined, h: FullHeaderAt, path: string): { walk?: WalkResult; failed: boolean } {
    const { tail, base, problems } = this;
    const opts = { base, path, limitEnd: this.end };
    try {
      if (desc) {
        const walk = walkSection(desc, tail, h.end, opts);
        checkWalkedFields(desc, walk.node, tail, base, path, problems.reporter);
        return { walk, failed: false };
      }
      if (h.idstr === ARM_CPU_IDSTR) return { walk: walkArmCpu(tail, h.end, { ...opts, version: h.version, instanceId: h.instanceId }), failed: false };
    } catch (e) {
      // A layout the schema does not know is our limit, not the stream's fault.
      if (!desc && e instanceof UnsupportedError) return { failed: false };
      if (desc) this.checkFieldsOnly(desc, h, path);
      // Without a trailer the real end of the input is one byte further than the walk's limit.
      if (e instanceof TruncatedError && this.guessedEnd) {
        problems.add("TRUNCATED", e.detail, base + tail.length, e.path ?? path);
      } else problems.addError(e, base + h.end, path);
      return { failed: true };
    }
    return { failed: false };
  }

  /**
   * After a failed walk, the fields alone (without subsections) may still walk, and their
   * checks often name the cause (an array length edited in the vmdesc shifts everything after
   * it, so the walk fails later, at a subsection marker).
   */
  private checkFieldsOnly(desc: DeviceDesc, h: FullHeaderAt, path: string): void {
    if (desc.subsections === undefined) return;
    const { subsections: _, ...fieldsOnly } = desc;
    const scratch = new ProblemList();
    try {
      const walk = walkSection(fieldsOnly, this.tail, h.end, { base: this.base, path, limitEnd: this.end });
      checkWalkedFields(desc, walk.node, this.tail, this.base, path, scratch.reporter);
    } catch {
      return; // the fields do not walk either: the error already reported says where
    }
    for (const p of scratch.items) this.problems.add(p.code, p.message, p.offset, p.path);
  }

  private misfit(walkEnd: number, footer: number, byVmdesc: boolean, path: string): void {
    const by = byVmdesc ? "the vmdesc's sizes" : "the built-in schema";
    const delta = `${footer > walkEnd ? "+" : ""}${footer - walkEnd} bytes`;
    this.problems.add("SIZE_MISMATCH", `${by} end the section at 0x${(this.base + walkEnd).toString(16)}, but the footer is at 0x${(this.base + footer).toString(16)} (${delta})`, this.base + walkEnd, path);
  }
}

/**
 * Without a trailer whose frame checks out (the input was cut inside the vmdesc, or junk
 * follows the EOF byte), the last section's footer is followed by the EOF byte and then
 * something other than the end of the input, which `scanForFooter` does not take for an
 * element boundary. Tried only after it.
 */
function footerBeforeEof(tail: Uint8Array, from: number, sectionId: number): number {
  for (let q = tail.indexOf(QEMU_VM.SECTION_FOOTER, from); q >= 0 && q + FOOTER_SIZE + 1 <= tail.length; q = tail.indexOf(QEMU_VM.SECTION_FOOTER, q + 1)) {
    if (footerAt(tail, q, sectionId, tail.length) && tail[q + FOOTER_SIZE] === QEMU_VM.EOF) return q;
  }
  return -1;
}
