/**
 * 64-bit register ids as they appear in the Arm `cpu` section's `cpreg_vmstate_indexes`:
 * decode into fields, encode back, print as `0x%016x`.
 *
 * Layout facts come from Linux `include/uapi/linux/kvm.h` (arch, size) and
 * `arch/arm64/include/uapi/asm/kvm.h` (group a.k.a. "coproc" in bits 27–16 and each group's
 * low 16 bits), and from QEMU `target/arm/cpregs.h` (`ENCODE_CP_REG`, `cpreg_to_kvm_id`) for
 * the AArch32 ids that QEMU's TCG writes. {@link decodeRegId} never throws for a 64-bit
 * value and `encodeRegId(decodeRegId(id)) === id` for every id: bits that no structured form
 * explains make the id decode as `group: "other"`, which keeps them.
 */
import { hex64 } from "@vmstate/wire";
import { ArmError } from "./errors.js";

/** `KVM_REG_SIZE_*`: bits 55–52 hold log2 of the value size in bytes. */
export const REG_SIZES = ["U8", "U16", "U32", "U64", "U128", "U256", "U512", "U1024", "U2048"] as const;
/** A register value size, as KVM spells it (`KVM_REG_SIZE_U64` → `"U64"`). */
export type RegSize = (typeof REG_SIZES)[number];

/** Top byte of an id: `KVM_REG_ARM64` (0x60) or `KVM_REG_ARM` (0x40, used by QEMU TCG for AArch32). */
export const REG_ARCH = { arm64: 0x60, arm: 0x40 } as const;

/** arm64 register groups (bits 27–16), `arch/arm64/include/uapi/asm/kvm.h`. */
export const ARM64_GROUP = {
  /** `KVM_REG_ARM_CORE`: offset in 32-bit words into `struct kvm_regs`. */
  CORE: 0x0010,
  /** `KVM_REG_ARM_DEMUX`: bits 15–8 demux id (0 = CCSIDR), 7–0 the selector value. */
  DEMUX: 0x0011,
  /** `KVM_REG_ARM64_SYSREG`: op0 15–14, op1 13–11, CRn 10–7, CRm 6–3, op2 2–0. */
  SYSREG: 0x0013,
  /** `KVM_REG_ARM_FW`: KVM-as-firmware pseudo-registers, numbered. */
  FW: 0x0014,
  /** `KVM_REG_ARM64_SVE`: Z, P, FFR slices and the VLS pseudo-register. */
  SVE: 0x0015,
  /** `KVM_REG_ARM_FW_FEAT_BMAP`: hypercall feature bitmaps, numbered. */
  FW_FEAT_BMAP: 0x0016,
} as const;

/** `KVM_REG_ARM64_SVE_*_BASE` and `KVM_REG_ARM64_SVE_VLS` low-16-bit values. */
export const SVE_LAYOUT = { zregBase: 0x000, pregBase: 0x400, ffrBase: 0x600, vls: 0xffff } as const;

/** `KVM_REG_ARM_DEMUX_ID_CCSIDR`: the only demux id KVM defines. */
export const DEMUX_ID_CCSIDR = 0;

interface Sized {
  /** Value size from bits 55–52. */
  size: RegSize;
}

/** `KVM_REG_ARM_CORE`: `offset` counts 32-bit words into `struct kvm_regs`. */
export interface CoreRegId extends Sized { arch: "arm64"; group: "core"; offset: number }
/** `KVM_REG_ARM_DEMUX`; `demuxId` 0 is CCSIDR and `value` is then the CSSELR value. */
export interface DemuxRegId extends Sized { arch: "arm64"; group: "demux"; demuxId: number; value: number }
/** `KVM_REG_ARM64_SYSREG`: the AArch64 system-register encoding. */
export interface SysRegId extends Sized {
  arch: "arm64"; group: "sysreg"; op0: number; op1: number; crn: number; crm: number; op2: number;
}
/** `KVM_REG_ARM_FW`: firmware pseudo-register number. */
export interface FwRegId extends Sized { arch: "arm64"; group: "fw"; number: number }
/** `KVM_REG_ARM_FW_FEAT_BMAP`: feature-bitmap register number. */
export interface FwFeatBmapRegId extends Sized { arch: "arm64"; group: "fw-feat-bmap"; number: number }
/**
 * `KVM_REG_ARM64_SVE`. `kind` "z": Zn slice (n < 32), "p": Pn slice (n < 16), "ffr": FFR
 * slice (n = 0), "vls": the vector-lengths pseudo-register (n = slice = 0). Slices < 32.
 */
export interface SveRegId extends Sized {
  arch: "arm64"; group: "sve"; kind: "z" | "p" | "ffr" | "vls"; n: number; slice: number;
}
/**
 * A 32-bit AArch32 coprocessor register as QEMU TCG lists it: the hash key of
 * `ENCODE_CP_REG` (ns bit 29, cp 27–16, CRn 14–11, CRm 10–7, opc1 6–3, opc2 2–0) under
 * `KVM_REG_ARM | KVM_REG_SIZE_U32`. `ns` is QEMU's non-secure-bank flag (1 for the usual
 * non-secure copy); genuine KVM AArch32 ids never set it.
 */
export interface Cp32RegId extends Sized {
  arch: "arm"; group: "cp32"; cp: number; ns: 0 | 1; crn: number; crm: number; opc1: number; opc2: number;
}
/**
 * A 64-bit AArch32 coprocessor register (MCRR/MRRC view): QEMU's key with the is64 bit 15
 * cleared, under `KVM_REG_ARM | KVM_REG_SIZE_U64`; only cp, CRm and opc1 identify it.
 */
export interface Cp64RegId extends Sized { arch: "arm"; group: "cp64"; cp: number; ns: 0 | 1; crm: number; opc1: number }
/**
 * Anything else (another architecture, an unknown group, stray bits): the raw fields, so
 * the id still prints as fields and still round-trips.
 */
export interface OtherRegId {
  group: "other";
  /** Bits 63–56. */
  archCode: number;
  /** Bits 55–52 (may exceed the known sizes). */
  sizeCode: number;
  /** Bits 51–28, reserved in every known layout. */
  middle: number;
  /** Bits 27–16. */
  coproc: number;
  /** Bits 15–0. */
  low: number;
}

/** A decoded register id; discriminate on `group`. */
export type RegId =
  | CoreRegId | DemuxRegId | SysRegId | FwRegId | FwFeatBmapRegId | SveRegId | Cp32RegId | Cp64RegId | OtherRegId;

const U64_MAX = (1n << 64n) - 1n;

/** True when `v` is a bigint in 0 ≤ v < 2^64, i.e. a possible register id or value. */
export function isU64(v: bigint): boolean {
  return v >= 0n && v <= U64_MAX;
}

/**
 * Print an id the way the style guide and QEMU's analyze-migration.py do: `0x` and 16
 * lower-case hex digits (wire's {@link hex64}, named for what it prints here).
 */
export function formatRegId(id: bigint): string {
  return hex64(id);
}

/**
 * Split an id into structured fields. Never throws for 0 ≤ id < 2^64.
 * @throws {ArmError} OUT_OF_RANGE when `id` is not a 64-bit unsigned value.
 */
export function decodeRegId(id: bigint): RegId {
  if (!isU64(id)) throw new ArmError("OUT_OF_RANGE", `register id ${id} is not a 64-bit unsigned value`);
  const hi = Number(id >> 32n);
  const lo = Number(id & 0xffffffffn);
  const raw: OtherRegId = {
    group: "other",
    archCode: hi >>> 24,
    sizeCode: (hi >>> 20) & 0xf,
    middle: ((hi & 0xfffff) << 4) | (lo >>> 28),
    coproc: (lo >>> 16) & 0xfff,
    low: lo & 0xffff,
  };
  const structured = structure(raw, lo);
  // Keep the structured form only if it explains every bit of the id.
  return structured !== undefined && explains(structured, id) ? structured : raw;
}

function explains(r: RegId, id: bigint): boolean {
  try {
    return encodeRegId(r) === id;
  } catch {
    return false; // a field out of its range, e.g. an FFR slice past 31
  }
}

function structure(raw: OtherRegId, lo: number): RegId | undefined {
  const size = REG_SIZES[raw.sizeCode];
  if (size === undefined) return undefined;
  const low = raw.low;
  if (raw.archCode === REG_ARCH.arm64) {
    switch (raw.coproc) {
      case ARM64_GROUP.CORE: return { arch: "arm64", size, group: "core", offset: low };
      case ARM64_GROUP.DEMUX: return { arch: "arm64", size, group: "demux", demuxId: low >>> 8, value: low & 0xff };
      case ARM64_GROUP.SYSREG:
        return {
          arch: "arm64", size, group: "sysreg",
          op0: (low >>> 14) & 3, op1: (low >>> 11) & 7, crn: (low >>> 7) & 0xf, crm: (low >>> 3) & 0xf, op2: low & 7,
        };
      case ARM64_GROUP.FW: return { arch: "arm64", size, group: "fw", number: low };
      case ARM64_GROUP.FW_FEAT_BMAP: return { arch: "arm64", size, group: "fw-feat-bmap", number: low };
      case ARM64_GROUP.SVE: {
        if (low === SVE_LAYOUT.vls) return { arch: "arm64", size, group: "sve", kind: "vls", n: 0, slice: 0 };
        const slice = low & 0x1f;
        if (low < SVE_LAYOUT.pregBase) return { arch: "arm64", size, group: "sve", kind: "z", n: low >>> 5, slice };
        if (low < SVE_LAYOUT.ffrBase) {
          return { arch: "arm64", size, group: "sve", kind: "p", n: (low - SVE_LAYOUT.pregBase) >>> 5, slice };
        }
        return { arch: "arm64", size, group: "sve", kind: "ffr", n: 0, slice: low - SVE_LAYOUT.ffrBase };
      }
      default: return undefined;
    }
  }
  if (raw.archCode === REG_ARCH.arm) {
    const ns = ((lo >>> 29) & 1) as 0 | 1;
    const cp = raw.coproc;
    const crm = (low >>> 7) & 0xf;
    const opc1 = (low >>> 3) & 0xf;
    if (size === "U64") return { arch: "arm", size, group: "cp64", cp, ns, crm, opc1 };
    return { arch: "arm", size, group: "cp32", cp, ns, crn: (low >>> 11) & 0xf, crm, opc1, opc2: low & 7 };
  }
  return undefined;
}

function field(name: string, v: number, bits: number): number {
  if (!Number.isInteger(v) || v < 0 || v >= 2 ** bits) {
    throw new ArmError("OUT_OF_RANGE", `register field ${name}=${v} does not fit in ${bits} bits`);
  }
  return v;
}

function compose(archCode: number, sizeCode: number, middle: number, coproc: number, low: number): bigint {
  return (
    (BigInt(archCode) << 56n) | (BigInt(sizeCode) << 52n) | (BigInt(middle) << 28n) |
    (BigInt(coproc) << 16n) | BigInt(low)
  );
}

function sizeCodeOf(size: RegSize): number {
  const code = REG_SIZES.indexOf(size);
  if (code < 0) throw new ArmError("OUT_OF_RANGE", `unknown register size ${String(size)}`);
  return code;
}

/**
 * Build the 64-bit id of a structured register; the inverse of {@link decodeRegId}.
 * @throws {ArmError} OUT_OF_RANGE when a field does not fit its bits.
 */
export function encodeRegId(r: RegId): bigint {
  if (r.group === "other") {
    return compose(
      field("arch", r.archCode, 8), field("size", r.sizeCode, 4), field("middle", r.middle, 24),
      field("coproc", r.coproc, 12), field("low", r.low, 16),
    );
  }
  const sc = sizeCodeOf(r.size);
  switch (r.group) {
    case "core": return compose(REG_ARCH.arm64, sc, 0, ARM64_GROUP.CORE, field("offset", r.offset, 16));
    case "demux":
      return compose(REG_ARCH.arm64, sc, 0, ARM64_GROUP.DEMUX, (field("demuxId", r.demuxId, 8) << 8) | field("value", r.value, 8));
    case "sysreg":
      return compose(REG_ARCH.arm64, sc, 0, ARM64_GROUP.SYSREG,
        (field("op0", r.op0, 2) << 14) | (field("op1", r.op1, 3) << 11) | (field("CRn", r.crn, 4) << 7) |
        (field("CRm", r.crm, 4) << 3) | field("op2", r.op2, 3));
    case "fw": return compose(REG_ARCH.arm64, sc, 0, ARM64_GROUP.FW, field("number", r.number, 16));
    case "fw-feat-bmap": return compose(REG_ARCH.arm64, sc, 0, ARM64_GROUP.FW_FEAT_BMAP, field("number", r.number, 16));
    case "sve": {
      let low: number;
      if (r.kind === "vls") low = SVE_LAYOUT.vls;
      else if (r.kind === "z") low = SVE_LAYOUT.zregBase | (field("Z n", r.n, 5) << 5) | field("slice", r.slice, 5);
      else if (r.kind === "p") low = SVE_LAYOUT.pregBase | (field("P n", r.n, 4) << 5) | field("slice", r.slice, 5);
      else low = SVE_LAYOUT.ffrBase | field("slice", r.slice, 5);
      return compose(REG_ARCH.arm64, sc, 0, ARM64_GROUP.SVE, low);
    }
    case "cp32":
      return compose(REG_ARCH.arm, sc, field("ns", r.ns, 1) << 1, field("cp", r.cp, 12),
        (field("CRn", r.crn, 4) << 11) | (field("CRm", r.crm, 4) << 7) | (field("opc1", r.opc1, 4) << 3) |
        field("opc2", r.opc2, 3));
    case "cp64":
      return compose(REG_ARCH.arm, sc, field("ns", r.ns, 1) << 1, field("cp", r.cp, 12),
        (field("CRm", r.crm, 4) << 7) | (field("opc1", r.opc1, 4) << 3));
  }
}

/** The id of AArch64 system register (op0, op1, CRn, CRm, op2): Linux `ARM64_SYS_REG()`. */
export function sysRegId(op0: number, op1: number, crn: number, crm: number, op2: number): bigint {
  return encodeRegId({ arch: "arm64", size: "U64", group: "sysreg", op0, op1, crn, crm, op2 });
}

/**
 * The id QEMU TCG lists for a 32-bit AArch32 coprocessor register (`cpreg_to_kvm_id` of
 * `ENCODE_CP_REG(cp, 0, ns, crn, crm, opc1, opc2)`); `ns` defaults to 1, the non-secure copy.
 */
export function cp32RegId(cp: number, opc1: number, crn: number, crm: number, opc2: number, ns: 0 | 1 = 1): bigint {
  return encodeRegId({ arch: "arm", size: "U32", group: "cp32", cp, ns, crn, crm, opc1, opc2 });
}

/** The id QEMU TCG lists for a 64-bit AArch32 coprocessor register (MCRR view). */
export function cp64RegId(cp: number, opc1: number, crm: number, ns: 0 | 1 = 1): bigint {
  return encodeRegId({ arch: "arm", size: "U64", group: "cp64", cp, ns, crm, opc1 });
}
