import { MalformedError, UnsupportedError } from "@vmstate/wire";
import type { DeviceRecord } from "@vmstate/stream";
import { removeSubsection, type FieldTree, type SubsectionTree, type Vmdesc } from "@vmstate/vmsd";
import type { ByteEdit } from "./byte-edits.js";
import type { SectionEditor } from "./section-edit.js";

/** One subsection taken out of one section. */
export interface DroppedSubsection {
  readonly idstr: string;
  readonly instanceId: number;
  /** The subsection's vmsd name, e.g. `cpu/wfxt-timer`. */
  readonly name: string;
  /** Bytes removed: marker, counted name, version, fields and nested subsections. */
  readonly bytes: number;
}

/**
 * `--drop-subsection NAME`: removes the subsection called NAME (as QEMU names it, e.g.
 * `cpu/wfxt-timer`; nested ones such as `cpu/vfp/fpcr_fpsr` too) from every device section
 * that carries it, and its entry from that section's vmdesc.
 *
 * On the wire a subsection is `0x05`, a counted name, a be32 version, then its fields and
 * its own subsections (wire-format.md §5); nothing counts or measures it, and the loader
 * finds subsections by peeking at the next byte and looks each up by name
 * (`migration/vmstate.c:vmstate_subsection_load`), so cutting its bytes out leaves a
 * section QEMU reads as one where the subsection was not needed. Finding those bytes needs
 * the section's field tree (from the vmdesc or the built-in `cpu` schema); a section that
 * could hold the subsection but could not be decoded is an error that says so.
 */
export class SubsectionDropEditor implements SectionEditor {
  readonly dropped: DroppedSubsection[] = [];
  private readonly pending: DroppedSubsection[] = [];

  constructor(private readonly names: readonly string[]) {}

  editSection(rec: DeviceRecord): readonly ByteEdit[] {
    if (!rec.fields) {
      const name = this.names.find((n) => mayHold(rec.idstr, n));
      if (name === undefined) return [];
      throw new UnsupportedError(
        `cannot drop subsection ${name}: this section could not be decoded (delimited by ${rec.delimitedBy}); a vmdesc or a built-in schema for it is needed`,
        { offset: rec.start, path: `${rec.idstr} (${rec.instanceId})` },
      );
    }
    const edits: ByteEdit[] = [];
    for (const name of this.names) {
      const node = findSubsectionDeep(rec.fields, name);
      if (node === undefined) continue;
      edits.push({ start: node.start, end: node.end, replacement: new Uint8Array(0) });
      const drop = { idstr: rec.idstr, instanceId: rec.instanceId, name, bytes: node.end - node.start };
      this.dropped.push(drop);
      this.pending.push(drop);
    }
    return edits;
  }

  editVmdesc(doc: Vmdesc): boolean {
    for (const d of this.pending) {
      if (!removeSubsection(doc, d.idstr, d.instanceId, d.name)) {
        throw new MalformedError("VMDESC", `the vmdesc does not describe subsection ${d.name}, which the section carries`, {
          path: `vmdesc / ${d.idstr} (${d.instanceId})`,
        });
      }
    }
    const changed = this.pending.length > 0;
    this.pending.length = 0;
    return changed;
  }

  /** The requested names no section carried. */
  absent(): string[] {
    return this.names.filter((n) => !this.dropped.some((d) => d.name === n));
  }
}

/** The subsection called `name` among `tree`'s subsections, at any depth, in stream order. */
function findSubsectionDeep(tree: FieldTree, name: string): SubsectionTree | undefined {
  for (const s of tree.subsections ?? []) {
    if (s.name === name) return s;
    const nested = findSubsectionDeep(s, name);
    if (nested !== undefined) return nested;
  }
  return undefined;
}

/**
 * Whether a section we cannot look into could carry `name`: a subsection's name starts with
 * its device's vmsd name (the loader's peek rule), and a section's idstr is that vmsd name,
 * possibly after a bus path (`0000:00:02.0/virtio-net`).
 */
function mayHold(idstr: string, name: string): boolean {
  const owner = name.slice(0, name.indexOf("/"));
  return idstr === owner || idstr.endsWith(`/${owner}`);
}
