/**
 * The `diff` view: what differs between two streams, from the machine type down to single
 * field elements and Arm registers. Sections are matched the way QEMU's loader matches them,
 * by idstr and instance id (`migration/savevm.c:find_se`), never by section id, which
 * follows registration order and changes between QEMU versions (wire-format.md §2.3).
 *
 * For each device present in both streams the walked field trees are paired by name
 * (`field-pairs.ts`) and leaf bytes compared; the Arm `cpu` register arrays are compared
 * as register lists by id instead of element by element, since one inserted register would
 * otherwise shift every later element.
 */
import { CPREG_FIELDS } from "@vmstate/arm";
import { compareRegisterSets, nameChange, nameLone, type NamedChange, type NamedRegister } from "./cpreg-compare.js";
import { leafDifferences, equalBytes, type FieldDifference } from "./field-diff.js";
import { pairFields, type ShapeMismatch } from "./field-pairs.js";
import { headerDifferences, ramBlockDifferences, type HeaderDifference, type RamBlockDifference } from "./header-diff.js";
import { sectionKey, type DeviceState, type StreamState } from "./stream-state.js";

/** Register-list differences of one vCPU. */
export interface CpregDiff {
  count_a: number;
  count_b: number;
  only_a: NamedRegister[];
  only_b: NamedRegister[];
  values: NamedChange[];
}

/** Differences inside one device section present in both streams. */
export interface DeviceDiff {
  /** `idstr (instance)`. */
  section: string;
  subsections_only_a: string[];
  subsections_only_b: string[];
  subsection_versions: { name: string; a: number; b: number }[];
  fields_only_a: string[];
  fields_only_b: string[];
  shapes: ShapeMismatch[];
  fields: FieldDifference[];
  /** Set when a side could not be walked: only the raw payloads were compared. */
  payload?: { a: number; b: number; note: string };
  cpregs?: CpregDiff;
}

/** Everything that differs between streams A and B. */
export interface StreamDiff {
  a: string;
  b: string;
  header: HeaderDifference[];
  ram_blocks: RamBlockDifference[];
  sections: {
    only_a: string[];
    only_b: string[];
    versions: { section: string; a: number; b: number }[];
  };
  devices: DeviceDiff[];
  identical: boolean;
}

const CPREG_FIELD_NAMES: ReadonlySet<string> = new Set(Object.values(CPREG_FIELDS));

/** Compares two streams read with `readStreamState`. */
export function diffStreams(a: StreamState, b: StreamState): StreamDiff {
  const sectionsB = new Map(b.sections.map((s) => [sectionKey(s), s]));
  const sectionsA = new Map(a.sections.map((s) => [sectionKey(s), s]));
  const versions: StreamDiff["sections"]["versions"] = [];
  for (const [key, sa] of sectionsA) {
    const sb = sectionsB.get(key);
    if (sb && sb.version !== sa.version) versions.push({ section: key, a: sa.version, b: sb.version });
  }
  const devicesB = new Map(b.devices.map((d) => [sectionKey(d), d]));
  const devices: DeviceDiff[] = [];
  for (const da of a.devices) {
    const db = devicesB.get(sectionKey(da));
    if (db === undefined) continue;
    const d = diffDevice(da, db);
    if (d !== undefined) devices.push(d);
  }
  const diff: StreamDiff = {
    a: a.name,
    b: b.name,
    header: headerDifferences(a, b),
    ram_blocks: ramBlockDifferences(a.ramBlocks, b.ramBlocks),
    sections: {
      only_a: [...sectionsA.keys()].filter((k) => !sectionsB.has(k)),
      only_b: [...sectionsB.keys()].filter((k) => !sectionsA.has(k)),
      versions,
    },
    devices,
    identical: false,
  };
  diff.identical =
    diff.header.length === 0 &&
    diff.ram_blocks.length === 0 &&
    diff.sections.only_a.length + diff.sections.only_b.length + versions.length === 0 &&
    devices.length === 0;
  return diff;
}

/** Differences of one device in both streams, or undefined when there are none. */
export function diffDevice(a: DeviceState, b: DeviceState): DeviceDiff | undefined {
  const d: DeviceDiff = {
    section: sectionKey(a),
    subsections_only_a: [],
    subsections_only_b: [],
    subsection_versions: [],
    fields_only_a: [],
    fields_only_b: [],
    shapes: [],
    fields: [],
  };
  if (a.fields === undefined || b.fields === undefined) {
    if (!equalBytes(a.payload, b.payload)) {
      d.payload = { a: a.payload.length, b: b.payload.length, note: "payload bytes differ (a side could not be walked field by field)" };
    }
  } else {
    const bothCpregs = a.cpregs !== undefined && b.cpregs !== undefined;
    const pairing = pairFields(a.fields, b.fields, {
      rootVmsd: a.desc?.vmsd_name ?? a.idstr,
      ...(bothCpregs ? { skip: CPREG_FIELD_NAMES } : {}),
    });
    d.subsections_only_a = pairing.subsectionsOnlyA;
    d.subsections_only_b = pairing.subsectionsOnlyB;
    d.subsection_versions = pairing.subsections
      .filter((s) => s.a.version !== s.b.version)
      .map((s) => ({ name: s.name, a: s.a.version, b: s.b.version }));
    d.fields_only_a = pairing.onlyA;
    d.fields_only_b = pairing.onlyB;
    d.shapes = pairing.shapes;
    d.fields = leafDifferences(pairing.leaves, a.payload, b.payload);
    if (bothCpregs) {
      const c = compareRegisterSets(a.cpregs!, b.cpregs!);
      if (c.countA !== c.countB || c.onlyA.length + c.onlyB.length + c.changed.length > 0) {
        d.cpregs = { count_a: c.countA, count_b: c.countB, only_a: c.onlyA.map(nameLone), only_b: c.onlyB.map(nameLone), values: c.changed.map(nameChange) };
      }
    }
  }
  const empty =
    d.payload === undefined &&
    d.cpregs === undefined &&
    d.subsections_only_a.length + d.subsections_only_b.length + d.subsection_versions.length === 0 &&
    d.fields_only_a.length + d.fields_only_b.length + d.shapes.length + d.fields.length === 0;
  return empty ? undefined : d;
}
