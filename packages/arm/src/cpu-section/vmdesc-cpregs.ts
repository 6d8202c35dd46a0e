/**
 * Keeps a vmdesc true to an edited register list: the description of both cpreg arrays of one
 * vCPU follows the new count, as QEMU would have written it for the edited stream.
 */
import { setArrayLen, type NewFieldTemplate, type Vmdesc } from "@vmstate/vmsd";
import { ARM_CPU_IDSTR, CPREG_FIELDS } from "./section.js";

/**
 * Where the two arrays go when they were empty (QEMU describes an empty array with no entry
 * at all): right after field 13, values after indexes (`vmstate_arm_cpu` fields 14 and 15).
 */
export const CPREG_TEMPLATES: Readonly<Record<typeof CPREG_FIELDS.INDEXES | typeof CPREG_FIELDS.VALUES, NewFieldTemplate>> = {
  [CPREG_FIELDS.INDEXES]: { after: [CPREG_FIELDS.LEN], type: "uint64", size: 8 },
  [CPREG_FIELDS.VALUES]: { after: [CPREG_FIELDS.INDEXES, CPREG_FIELDS.LEN], type: "uint64", size: 8 },
};

/**
 * Describes `n` registers in both arrays of `cpu` instance `instanceId`.
 * @returns whether the document changed.
 * @throws what {@link setArrayLen} throws (the vCPU is not described, or its arrays are not
 *   described as one compressed entry each).
 */
export function setCpregArrayLens(doc: Vmdesc, instanceId: number, n: number): boolean {
  const a = setArrayLen(doc, ARM_CPU_IDSTR, instanceId, CPREG_FIELDS.INDEXES, n, CPREG_TEMPLATES[CPREG_FIELDS.INDEXES]);
  const b = setArrayLen(doc, ARM_CPU_IDSTR, instanceId, CPREG_FIELDS.VALUES, n, CPREG_TEMPLATES[CPREG_FIELDS.VALUES]);
  return a || b;
}
