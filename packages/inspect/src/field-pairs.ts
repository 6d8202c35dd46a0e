/**
 * Pairs the fields of two walked copies of one device section (the same idstr and instance
 * in two streams), the way QEMU's loader lines them up: by field name within each vmsd, and
 * subsections by name (`migration/vmstate.c:vmstate_subsection_load` looks them up by name,
 * so their order does not matter). Both `diff` and `explain` start from these pairs, so the
 * two commands can never disagree on which field is which.
 *
 * Entries QEMU writes per element (`"index": i`) pair by index; repeated names pair by
 * their order of appearance. Struct fields are descended into, so pairs are always leaves.
 */
import type { FieldTree, SubsectionTree } from "@vmstate/vmsd";

/** Two leaves that stand for the same field. */
export interface LeafPair {
  /** Printable path: `env.xregs`, `irq_state[5].enabled`, `cpu/vfp: fpscr`. */
  path: string;
  /** Name of the vmsd whose field list holds the top-level field (QEMU's `Failed to load %s:%s`). */
  vmsd: string;
  /** That top-level field's name. */
  field: string;
  a: FieldTree;
  b: FieldTree;
}

/** Two nodes paired by name whose shapes differ, so their bytes cannot be compared. */
export interface ShapeMismatch {
  path: string;
  a: string;
  b: string;
}

/** A subsection present on both sides, with its version on each. */
export interface SubsectionPair {
  name: string;
  a: SubsectionTree;
  b: SubsectionTree;
}

/** Everything {@link pairFields} found. */
export interface FieldPairing {
  leaves: LeafPair[];
  shapes: ShapeMismatch[];
  /** Paths of fields present only in A / only in B. */
  onlyA: string[];
  onlyB: string[];
  /** Names of subsections (at any depth) present only in A / only in B. */
  subsectionsOnlyA: string[];
  subsectionsOnlyB: string[];
  subsections: SubsectionPair[];
}

/** Options for {@link pairFields}. */
export interface PairOptions {
  /** Vmsd name of the roots (the device's `vmsd_name`; QEMU prints it in load errors). */
  rootVmsd: string;
  /** Top-level field names to leave out (e.g. the cpreg arrays, compared apart). */
  skip?: ReadonlySet<string>;
}

/** Pairs the fields and subsections of two section trees. */
export function pairFields(a: FieldTree, b: FieldTree, options: PairOptions): FieldPairing {
  const out: FieldPairing = { leaves: [], shapes: [], onlyA: [], onlyB: [], subsectionsOnlyA: [], subsectionsOnlyB: [], subsections: [] };
  pairVmsd(a, b, { prefix: "", vmsd: options.rootVmsd, skip: options.skip }, out);
  return out;
}

interface Scope {
  prefix: string;
  vmsd: string;
  skip: ReadonlySet<string> | undefined;
  /** The top-level field being descended into, once inside a struct. */
  field?: string;
}

function pairVmsd(a: FieldTree, b: FieldTree, scope: Scope, out: FieldPairing): void {
  const ka = keyed(a.children ?? []);
  const kb = keyed(b.children ?? []);
  const renamed = renamedPairs(ka, kb);
  const skipped = (n: FieldTree) => scope.field === undefined && scope.skip?.has(n.name) === true;
  for (const [key, na] of ka) {
    if (skipped(na)) continue;
    const nb = kb.get(key);
    const other = renamed.get(key);
    if (nb !== undefined) pairNode(na, nb, scope.prefix + key, { ...scope, field: scope.field ?? na.name }, out);
    else if (other !== undefined) pairNode(na, other.node, `${scope.prefix}${key} (B: ${other.key})`, { ...scope, field: scope.field ?? na.name }, out);
    else out.onlyA.push(scope.prefix + key);
  }
  const renamedB = new Set([...renamed.values()].map((r) => r.key));
  for (const [key, nb] of kb) {
    if (!ka.has(key) && !renamedB.has(key) && !skipped(nb)) out.onlyB.push(scope.prefix + key);
  }
  pairSubsections(a.subsections ?? [], b.subsections ?? [], out);
}

/**
 * QEMU loads fields by position, not by name, and names change between versions without
 * the wire changing (`gt_timer[0]` became `gt_timer[GTIMER_PHYS]` in 9.0, wire-format.md
 * §7.5). When both lists have the same length, an unmatched entry of A is paired with the
 * unmatched entry of B at the same position if both cover the same bytes.
 */
function renamedPairs(ka: Map<string, FieldTree>, kb: Map<string, FieldTree>): Map<string, { key: string; node: FieldTree }> {
  const out = new Map<string, { key: string; node: FieldTree }>();
  if (ka.size !== kb.size) return out;
  const la = [...ka];
  const lb = [...kb];
  la.forEach(([key, na], i) => {
    const [keyB, nb] = lb[i]!;
    if (kb.has(key) || ka.has(keyB)) return;
    if (na.end - na.start === nb.end - nb.start && na.arrayLen === nb.arrayLen) out.set(key, { key: keyB, node: nb });
  });
  return out;
}

function pairNode(a: FieldTree, b: FieldTree, path: string, scope: Scope, out: FieldPairing): void {
  const leaves = a.children === undefined && b.children === undefined;
  const same = leaves
    ? a.end - a.start === b.end - b.start && a.arrayLen === b.arrayLen && a.elementSize === b.elementSize
    : shapeOf(a) === shapeOf(b) && a.children !== undefined && b.children !== undefined;
  if (!same) {
    out.shapes.push({ path, a: shapeOf(a), b: shapeOf(b) });
    return;
  }
  if (leaves) {
    out.leaves.push({ path, vmsd: scope.vmsd, field: scope.field ?? a.name, a, b });
    return;
  }
  const elements = a.arrayLen !== undefined && a.children?.every((c) => c.index !== undefined);
  if (elements) {
    // A struct array: one child per element, each holding the struct's fields.
    (a.children ?? []).forEach((ea, i) => {
      const eb = b.children?.[i];
      if (eb) pairVmsd(ea, eb, { ...scope, prefix: `${path}[${i}].` }, out);
    });
  } else {
    pairVmsd(a, b, { ...scope, prefix: `${path}.` }, out);
  }
}

/** Subsections pair by name and start a scope of their own (their fields are not the parent's). */
function pairSubsections(as: SubsectionTree[], bs: SubsectionTree[], out: FieldPairing): void {
  const byName = new Map(bs.map((s) => [s.name, s]));
  for (const sa of as) {
    const sb = byName.get(sa.name);
    if (sb === undefined) {
      out.subsectionsOnlyA.push(sa.name);
      continue;
    }
    byName.delete(sa.name);
    out.subsections.push({ name: sa.name, a: sa, b: sb });
    pairVmsd(sa, sb, { prefix: `${sa.name}: `, vmsd: sa.name, skip: undefined }, out);
  }
  for (const sb of byName.values()) out.subsectionsOnlyB.push(sb.name);
}

/** Children keyed by name, `[index]` for per-element entries, `#k` for the k-th repeat. */
function keyed(children: FieldTree[]): Map<string, FieldTree> {
  const out = new Map<string, FieldTree>();
  for (const c of children) {
    const base = c.index !== undefined && c.arrayLen === undefined ? `${c.name}[${c.index}]` : c.name;
    let key = base;
    for (let k = 2; out.has(key); k++) key = `${base}#${k}`;
    out.set(key, c);
  }
  return out;
}

/**
 * Type, element count and byte size, for reports. Leaves are compared when count and
 * sizes agree (a type renamed between versions does not change the bytes); structs must
 * agree in type too.
 */
export function shapeOf(n: FieldTree): string {
  const count = n.arrayLen === undefined ? "" : ` x ${n.arrayLen}`;
  return `${n.type}${count}, ${n.end - n.start} bytes`;
}
