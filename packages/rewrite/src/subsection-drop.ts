import { MalformedError, UnsupportedError } from "@vmstate/wire";
import type { DeviceRecord } from "@vmstate/stream";
import { findSubsectionPlaces, removeSubsection, type FieldTree, type SubsectionPlace, type Vmdesc, type VmsdStep } from "@vmstate/vmsd";
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
  /** The field path of the struct or subsection that sent it (`pm`, `state / drives[1]`); "" at the section's top level. */
  readonly within: string;
}

/** A section that could not be decoded, so no subsection nested in it could be found. */
export interface UndecodedSection {
  readonly idstr: string;
  readonly instanceId: number;
  /** How its end was found instead (`footer-scan`: no vmdesc and no built-in schema). */
  readonly delimitedBy: string;
}

/**
 * `--drop-subsection NAME`: removes the subsection called NAME (as QEMU names it, e.g.
 * `cpu/wfxt-timer`; ones nested in a subsection such as `cpu/vfp/fpcr_fpsr`, or in a struct
 * field such as `ich9_pm/tco` in `ICH9LPC`'s `pm`, too) from every device section that
 * carries it, wherever in the section it is, and its entry from that section's vmdesc, with
 * the size of every struct that held it lowered by its bytes.
 *
 * On the wire a subsection is `0x05`, a counted name, a be32 version, then its fields and
 * its own subsections (wire-format.md §5); nothing in the stream counts or measures it, and
 * the loader finds subsections by peeking at the next byte and looks each up by name
 * (`migration/vmstate.c:vmstate_subsection_load`), so cutting its bytes out leaves a
 * section QEMU reads as one where the subsection was not needed. Finding those bytes needs
 * the section's field tree (from the vmdesc or the built-in `cpu` schema). A section that
 * could hold the subsection at its top level (its device's name begins the subsection's)
 * but could not be decoded is an error that says so; any other section that could not be
 * decoded is listed in {@link undecoded}, since a struct in it might hold one.
 */
export class SubsectionDropEditor implements SectionEditor {
  readonly dropped: DroppedSubsection[] = [];
  readonly undecoded: UndecodedSection[] = [];
  private readonly pending: { drop: DroppedSubsection; route: VmsdStep[] }[] = [];

  constructor(private readonly names: readonly string[]) {}

  editSection(rec: DeviceRecord): readonly ByteEdit[] {
    if (!rec.fields) {
      const name = this.names.find((n) => mayHold(rec.idstr, n));
      if (name !== undefined) {
        throw new UnsupportedError(
          `cannot drop subsection ${name}: this section could not be decoded (delimited by ${rec.delimitedBy}); a vmdesc or a built-in schema for it is needed`,
          { offset: rec.start, path: `${rec.idstr} (${rec.instanceId})` },
        );
      }
      this.undecoded.push({ idstr: rec.idstr, instanceId: rec.instanceId, delimitedBy: rec.delimitedBy });
      return [];
    }
    const edits: ByteEdit[] = [];
    for (const { node, route, within } of this.placesIn(rec, rec.fields)) {
      edits.push({ start: node.start, end: node.end, replacement: new Uint8Array(0) });
      const drop = { idstr: rec.idstr, instanceId: rec.instanceId, name: node.name, bytes: node.end - node.start, within };
      this.dropped.push(drop);
      this.pending.push({ drop, route });
    }
    return edits;
  }

  private placesIn(rec: DeviceRecord, fields: FieldTree): SubsectionPlace[] {
    try {
      return findSubsectionPlaces(fields, new Set(this.names));
    } catch (e) {
      if (!(e instanceof UnsupportedError)) throw e;
      throw new UnsupportedError(`cannot drop it: ${e.message}`, { offset: rec.start, path: `${rec.idstr} (${rec.instanceId})` });
    }
  }

  editVmdesc(doc: Vmdesc): boolean {
    for (const { drop: d, route } of this.pending) {
      if (!removeSubsection(doc, d.idstr, d.instanceId, route, d.name, d.bytes)) {
        throw new MalformedError("VMDESC", `the vmdesc does not describe subsection ${d.name}, which the section carries`, {
          path: `vmdesc / ${d.idstr} (${d.instanceId})${d.within === "" ? "" : ` / ${d.within}`}`,
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

/**
 * Whether a section we cannot look into could carry `name`: a subsection's name starts with
 * its device's vmsd name (the loader's peek rule), and a section's idstr is that vmsd name,
 * possibly after a bus path (`0000:00:02.0/virtio-net`).
 */
function mayHold(idstr: string, name: string): boolean {
  const owner = name.slice(0, name.indexOf("/"));
  return idstr === owner || idstr.endsWith(`/${owner}`);
}
