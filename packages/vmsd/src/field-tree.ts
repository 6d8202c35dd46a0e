/**
 * The field tree: what a walk of a device section yields. Every node carries the byte span
 * it covers; values are not decoded until asked for (see `field-values.ts`). Positions are
 * indices into the walked `bytes` (absolute offset = `base + start`).
 */

/** One field entry of a section (or of a struct), with its byte span. */
export interface FieldTree {
  /** The field's vmdesc name (`env.xregs`, `cpreg_vmstate_indexes`), or the section name at the root. */
  name: string;
  /** The vmdesc type (`uint64`, `struct`, `cpsr`, …); `device`/`vmsd` at a root, `subsection` for subsections. */
  type: string;
  /** First byte (index into `bytes`). */
  start: number;
  /** One past the last byte. */
  end: number;
  /** For an entry described with `index` (uncompressed array element), or a struct array element. */
  index?: number;
  /** Element count of a compressed array (`array_len`); absent for a single element. */
  arrayLen?: number;
  /** Bytes per element as described (`size`); absent where elements vary (`capability`). */
  elementSize?: number;
  /** Fields of a struct (or of the section), or one node per element of a struct array. */
  children?: FieldTree[];
  /** Subsections that follow this vmsd's fields, in stream order. */
  subsections?: SubsectionTree[];
}

/** A subsection: `05 <counted name> <be32 version>` then fields and nested subsections. */
export interface SubsectionTree extends FieldTree {
  type: "subsection";
  /** The subsection's version, as read from the stream. */
  version: number;
  /** First byte after the subsection header (where its first field starts). */
  bodyStart: number;
  children: FieldTree[];
  subsections: SubsectionTree[];
}

/** Result of walking one section. */
export interface WalkResult {
  /** Index of the first byte after the section's payload (its footer, if footers are on). */
  end: number;
  /** Root node: `children` are the top-level fields, `subsections` the top-level subsections. */
  node: FieldTree;
}

/**
 * The first top-level field of the section called `name`. Note that QEMU describes a
 * zero-length array with no entry at all (`vmstate.c:vmstate_save_state_v` loops zero
 * times), so an absent field may just be empty.
 */
export function findField(tree: FieldTree, name: string): FieldTree | undefined {
  return tree.children?.find((c) => c.name === name);
}

/** All top-level entries called `name` (uncompressed arrays give one entry per element). */
export function findFields(tree: FieldTree, name: string): FieldTree[] {
  return tree.children?.filter((c) => c.name === name) ?? [];
}

/** The subsection of `tree` called `name` (e.g. `cpu/vfp`), searched one level deep. */
export function findSubsection(tree: FieldTree, name: string): SubsectionTree | undefined {
  return tree.subsections?.find((s) => s.name === name);
}

/** Number of elements a node covers (1 unless it is a compressed array). */
export function elementCount(node: FieldTree): number {
  return node.arrayLen ?? 1;
}
