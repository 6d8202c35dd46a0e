/**
 * Every leaf type the views decode as a number or boolean: QEMU's generic infos and those
 * the Arm `cpu` section defines for itself. A type missing here is shown as bytes.
 */
import { VMSTATE_SCALAR_KINDS, type ScalarKinds } from "@vmstate/vmsd";
import { ARM_SCALAR_KINDS } from "@vmstate/arm";

/** Leaf kinds by vmdesc `type` name, for every target the views know. */
export const SCALAR_KINDS: ScalarKinds = { ...VMSTATE_SCALAR_KINDS, ...ARM_SCALAR_KINDS };
