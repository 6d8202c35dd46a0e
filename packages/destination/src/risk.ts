/**
 * How much a proposed change alters the guest, in three classes the report and
 * `vmstate-rewrite --strict` share:
 * - `tolerated`: what QEMU itself drops without asking (QEMU 11.1 under KVM lets
 *   `KVM_REG_ARM_VENDOR_HYP_BMAP_2` be missing when its value is 0);
 * - `enforced`: a read-only register, whose value the destination imposes anyway (hiding
 *   one the destination lacks, or giving one the destination's own value);
 * - `guest-state`: anything else: a writable register's value, a subsection's state.
 */
import { isConstantOnTcg } from "./constant-registers.js";

/** The risk class of a change. */
export type ChangeRisk = "tolerated" | "enforced" | "guest-state";

const VENDOR_HYP_BMAP_2 = 0x6030000000160003n;

/** The class of hiding `id`, whose values on the vCPUs were `values`. */
export function hideRisk(id: bigint, values: readonly bigint[]): ChangeRisk {
  if (id === VENDOR_HYP_BMAP_2 && values.every((v) => v === 0n)) return "tolerated";
  return isConstantOnTcg(id) ? "enforced" : "guest-state";
}

/** Setting or adding a read-only register with the destination's value. */
export const REGISTER_VALUE_RISK: ChangeRisk = "enforced";

/** Dropping a subsection drops its state. */
export const SUBSECTION_RISK: ChangeRisk = "guest-state";
