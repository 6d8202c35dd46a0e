/**
 * The leaf types the Arm `cpu` section defines for itself (`target/arm/machine.c`: the
 * custom infos `cpsr`, `fpscr`, `fpcr`, `fpsr`, `pstate64`, `powered_off`), as
 * `@vmstate/vmsd` reads leaves: each is one big-endian value of its width; `powered_off`
 * is a byte, 1 when the vCPU is off.
 */
import type { ScalarKinds } from "@vmstate/vmsd";

/** Kinds of the custom infos of the Arm `cpu` section and its subsections. */
export const ARM_SCALAR_KINDS: ScalarKinds = {
  cpsr: { width: 4, signed: false },
  fpscr: { width: 4, signed: false },
  fpcr: { width: 8, signed: false },
  fpsr: { width: 8, signed: false },
  pstate64: { width: 8, signed: false },
  powered_off: { width: 1, signed: false, bool: true },
};
