/**
 * Finding subsections by name anywhere in a section's field tree: at the top level, inside
 * other subsections, and inside struct fields at any depth (QEMU 7.2's q35 `ICH9LPC` sends
 * `ich9_pm/tco` inside its `pm` struct, `fdc` sends `fdrive/media_rate` inside each element
 * of `state / drives`), with the way to each one in the vmdesc.
 */
import { UnsupportedError } from "@vmstate/wire";
import type { FieldTree, SubsectionTree } from "./field-tree.js";
import type { VmsdStep } from "./vmdesc-subsections.js";

/** One subsection found in a section. */
export interface SubsectionPlace {
  node: SubsectionTree;
  /** The steps from the section's vmdesc entry to the vmsd that sends it (none at the top level). */
  route: VmsdStep[];
  /** The same as a field path, e.g. `pm`, `state / drives[1]`, `cpu/vfp`; "" at the top level. */
  within: string;
}

/**
 * Every subsection of `root` whose name is in `names`, in stream order. A subsection
 * found is not searched further: its nested subsections go with it.
 * @throws UnsupportedError for one inside an element of a compressed struct array (one
 *   vmdesc entry for all elements, so one element cannot shrink alone); QEMU never
 *   compresses a struct that has subsections (`vmstate.c:vmsd_can_compress`).
 */
export function findSubsectionPlaces(root: FieldTree, names: ReadonlySet<string>): SubsectionPlace[] {
  const found: SubsectionPlace[] = [];
  search(root, names, [], [], found);
  return found;
}

function search(vmsd: FieldTree, names: ReadonlySet<string>, route: VmsdStep[], labels: string[], found: SubsectionPlace[]): void {
  (vmsd.children ?? []).forEach((c, at) => {
    if (c.children === undefined) return;
    const label = c.index === undefined ? c.name : `${c.name}[${c.index}]`;
    if (c.arrayLen === undefined) {
      search(c, names, [...route, { kind: "field", at }], [...labels, label], found);
      return;
    }
    const inElements: SubsectionPlace[] = [];
    for (const el of c.children) search(el, names, [], [], inElements);
    if (inElements.length > 0) {
      throw new UnsupportedError(`subsection ${inElements[0]!.node.name} is inside an element of the compressed struct array ${[...labels, label].join(" / ")}, which the vmdesc describes once for all elements`);
    }
  });
  for (const s of vmsd.subsections ?? []) {
    if (names.has(s.name)) found.push({ node: s, route, within: labels.join(" / ") });
    else search(s, names, [...route, { kind: "subsection", name: s.name }], [...labels, s.name], found);
  }
}
