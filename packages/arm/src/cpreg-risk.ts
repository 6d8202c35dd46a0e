/**
 * How risky one register change is, in three classes a person (and `--strict`) can act on:
 *
 * - `tolerated`: QEMU itself accepts a stream with this register missing (QEMU 11.1's cpreg
 *   migration tolerances, below): hiding it does what a tolerant destination would do;
 * - `enforced`: a read-only or constant register ({@link isConstantRegister}): the
 *   destination holds its own CPU's value whatever the stream says (under TCG another value
 *   fails the load), so setting, adding or hiding it changes nothing the guest could rely on
 *   beyond what the destination imposes anyway;
 * - `guest-state`: anything else: the guest sees another value, or the destination's reset
 *   value, where it had its own.
 */
import type { CpregChange } from "./cpreg-edit.js";
import { isConstantRegister } from "./constant-registers.js";
import { sysRegId } from "./regid.js";

/** The three risk classes, least risky first. */
export type RiskClass = "tolerated" | "enforced" | "guest-state";

/** A class with the one-line reason it was given. */
export interface RiskAssessment {
  readonly risk: RiskClass;
  readonly why: string;
}

/**
 * A register QEMU 11.1 lets one side of a migration lack. `either-end`: the stream or the
 * destination may lack it, whatever its value. `source-only`: only the destination may lack
 * it, and only when `(value & mask) === expect`. `kvmHost`: registered only by the KVM
 * `-cpu host` model (`-cpu max` under KVM is that model too); a TCG destination refuses the
 * register as any other (wire-format.md §15.3, and the QEMU 11.1 TCG runs of
 * test/v11-no-vmdesc.test.ts).
 */
export interface CpregTolerance {
  readonly kind: "either-end" | "source-only";
  readonly mask: bigint;
  readonly expect: bigint;
  readonly kvmHost: boolean;
  readonly why: string;
}

const EITHER_END = "QEMU 11.1 under KVM (-cpu host or max) lets it be missing on either side of a migration (Linux before 6.13 exposed it even to guests that could not use it)";

/**
 * QEMU 11.1's cpreg migration tolerances (first released in 11.1, `pull-target-arm-20260427`).
 * `kvm_arm_set_cpreg_mig_tolerances` (the KVM `-cpu host` model in `target/arm`) registers
 * TCR2_EL1, PIRE0_EL1 and PIR_EL1 as allowed to be absent on either end (any value), and
 * KVM_REG_ARM_VENDOR_HYP_BMAP_2 as allowed in the stream only, when all its bits are 0 (its
 * reset value: no vendor hypercall service offered). Commit 234b3eaddd ("Define cpreg
 * migration tolerance for DBGDTR_EL0") makes every 11.1 CPU, TCG included, accept the AArch32
 * id QEMU 8.1–10.0 wrote by mistake for DBGDTR_EL0 (wire-format.md §12.6); QEMU 10.1 and
 * 10.2 defined it as a constant 0 that the guest cannot access, only so that such streams
 * load.
 */
const TOLERANCES: ReadonlyMap<bigint, CpregTolerance> = new Map(
  [
    { id: sysRegId(3, 0, 2, 0, 3), kind: "either-end", mask: 0n, expect: 0n, kvmHost: true, why: EITHER_END }, // TCR2_EL1
    { id: sysRegId(3, 0, 10, 2, 2), kind: "either-end", mask: 0n, expect: 0n, kvmHost: true, why: EITHER_END }, // PIRE0_EL1
    { id: sysRegId(3, 0, 10, 2, 3), kind: "either-end", mask: 0n, expect: 0n, kvmHost: true, why: EITHER_END }, // PIR_EL1
    {
      id: 0x6030000000160003n, kind: "source-only", mask: 0xffff_ffff_ffff_ffffn, expect: 0n, kvmHost: true, // KVM_REG_ARM_VENDOR_HYP_BMAP_2
      why: "QEMU 11.1 under KVM (-cpu host or max) accepts a stream holding it for a destination without it when it is 0 (no vendor hypercall service offered)",
    },
    {
      id: 0x40200000200e0298n, kind: "source-only", mask: 0xffff_ffff_ffff_ffffn, expect: 0n, kvmHost: false, // QEMU's bogus AArch32 view of DBGDTR_EL0
      why: "not a register the guest can access (QEMU 8.1-10.0 listed it by mistake); QEMU 11.1 ignores it in an incoming stream",
    },
  ].map((t) => [t.id, t as CpregTolerance & { id: bigint }]),
);

/** QEMU 11.1's tolerance for `id`, or undefined. */
export function cpregTolerance(id: bigint): CpregTolerance | undefined {
  return TOLERANCES.get(id);
}

/** True when `t` lets a stream carry `value` for a destination without the register. */
export function toleratesIncoming(t: CpregTolerance, value: bigint): boolean {
  return (value & t.mask) === t.expect;
}

/** The reason QEMU 11.1 (under the accelerator its tolerance names) would let `id` holding `value` go missing, or undefined. */
export function toleratedMissing(id: bigint, value: bigint): string | undefined {
  const t = TOLERANCES.get(id);
  return t !== undefined && toleratesIncoming(t, value) ? t.why : undefined;
}

const ENFORCED = "a read-only register: the destination holds its own CPU's value whatever the stream says";

/** The class of one planned register change (see the module comment for the rules). */
export function assessCpregChange(change: CpregChange): RiskAssessment {
  if (change.kind === "hidden") {
    const tolerated = toleratedMissing(change.id, change.oldValue);
    if (tolerated !== undefined) return { risk: "tolerated", why: tolerated };
    if (isConstantRegister(change.id)) return { risk: "enforced", why: ENFORCED };
    return {
      risk: "guest-state",
      why: change.oldValue === 0n ? "the guest's value 0 is dropped; a destination with this register writes 0 there too" : "drops a non-zero value the guest may rely on",
    };
  }
  if (isConstantRegister(change.id)) return { risk: "enforced", why: ENFORCED };
  return change.kind === "set"
    ? { risk: "guest-state", why: "the guest sees another value in a writable register" }
    : { risk: "guest-state", why: "the destination takes this value for a writable register the guest never had it in" };
}
