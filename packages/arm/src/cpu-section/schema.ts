/**
 * A built-in schema for the Arm `cpu` section (`target/arm/machine.c:vmstate_arm_cpu`,
 * version 22, one wire layout from QEMU 7.2 to 11.1) for streams that carry no vmdesc.
 * Rather than a second walker, it builds from the bytes the description QEMU would have
 * written into the vmdesc for this very section (field 13 gives the cpreg array length,
 * subsection presence is found by the loader's peek rule, field 13's type follows the
 * release the section shows: `cpreg-len-type.ts`) and hands it to {@link walkSection}, so
 * the tree is the same as a vmdesc-driven walk produces.
 *
 * Subsection layouts were checked against `target/arm/machine.c` of QEMU 10.1 and 10.2,
 * and against QEMU 11.1.3's own tables (its vmdesc, and the `VMStateDescription`s in the
 * Debian trixie-backports binary: names, versions, fields, and the order of the list).
 */
import { LimitError, MalformedError, TruncatedError, UnsupportedError, decodeLatin1, readBe32, readBe64 } from "@vmstate/wire";
import { QEMU_VM_SUBSECTION, walkSection, type DeviceDesc, type FieldDesc, type VmsdDesc, type WalkOptions, type WalkResult } from "@vmstate/vmsd";
import { sysRegId } from "../regid.js";
import { cpregLenType, CPREG_LEN_TYPE_LE } from "./cpreg-len-type.js";
import { ARM_CPU_VERSION, CPREG_FIELDS } from "./section.js";

/** Most cpreg entries we accept in field 13 before allocating anything (real lists: ~100–600). */
export const MAX_CPREG_COUNT = 65536;

/** A field entry as QEMU describes it: `array_len` only for 2+ elements (`vmsd_desc_field_start`). */
function f(name: string, type: string, size: number, n = 1): FieldDesc {
  return n > 1 ? { name, array_len: n, type, size } : { name, type, size };
}
const u8 = (name: string): FieldDesc => f(name, "uint8", 1);
const u32 = (name: string, n = 1): FieldDesc => f(name, "uint32", 4, n);
const u64 = (name: string, n = 1): FieldDesc => f(name, "uint64", 8, n);
function structArray(name: string, n: number, vmsd: string, fields: FieldDesc[]): FieldDesc {
  return { name, array_len: n, type: "struct", struct: { vmsd_name: vmsd, version: 1, fields }, size: bytesOf(fields) };
}

/** Fields 1–12 of `vmstate_arm_cpu` (wire-format.md §12.2); field 13 follows at byte 568. */
const HEAD: FieldDesc[] = [
  u32("env.regs", 16), u64("env.xregs", 32), u64("env.pc"), f("cpsr", "cpsr", 4), u32("env.spsr"),
  u64("env.banked_spsr", 8), u32("env.banked_r13", 8), u32("env.banked_r14", 8), u32("env.usr_regs", 5),
  u32("env.fiq_regs", 5), u64("env.elr_el", 4), u64("env.sp_el", 4),
];
/** Where field 13, the cpreg count, starts in the section. */
const LEN_AT = bytesOf(HEAD);
/** The ID register whose WFxT field tells whether `cpu/wfxt-timer` marks an 11.x stream. */
const ID_AA64ISAR2_EL1 = sysRegId(3, 0, 0, 6, 2);
/** Fields 16–25, after the two cpreg arrays. Names as QEMU ≥ 9.0 writes them. */
const TAIL: FieldDesc[] = [
  u64("env.exclusive_addr"), u64("env.exclusive_val"), u64("env.exclusive_high"), f("unused", "unused_buffer", 8),
  u32("env.exception.syndrome"), u32("env.exception.fsr"), u64("env.exception.vaddress"),
  f("gt_timer[GTIMER_PHYS]", "timer", 8), f("gt_timer[GTIMER_VIRT]", "timer", 8), f("power_state", "powered_off", 1),
];

interface SubsectionSchema {
  version: number;
  fields: FieldDesc[];
  /** Known nested subsections (looked up among these only, as `vmstate_get_subsection` does). */
  children: string[];
  /** Set when the layout depends on CPU properties that are not in the stream. */
  unsupported?: string;
}

const VARRAY_BY_PROPERTY = "holds arrays counted by CPU properties (pmsav7_dregion, pmsav8r_hdregion, sau_sregion) that are not in the stream";
const sub = (version: number, fields: FieldDesc[], children: string[] = []): SubsectionSchema => ({ version, fields, children });

/** Every `cpu` subsection of QEMU 7.2 … master with its layout (`target/arm/machine.c`). */
const SUBSECTIONS: Readonly<Record<string, SubsectionSchema>> = {
  "cpu/vfp": sub(3, [
    ...Array.from({ length: 32 }, (_, i) => u64(`env.vfp.zregs[${i}].d`, 2)),
    u32("env.vfp.xregs[0]"), u32("env.vfp.xregs", 14), f("fpscr", "fpscr", 4),
  ], ["cpu/vfp/fpcr_fpsr"]),
  "cpu/vfp/fpcr_fpsr": sub(1, [f("fpcr", "fpcr", 8), f("fpsr", "fpsr", 8)]),
  "cpu/iwmmxt": sub(1, [u64("env.iwmmxt.regs", 16), u32("env.iwmmxt.cregs", 16)]),
  "cpu/m": sub(4, [
    u32("env.v7m.vecbase[M_REG_NS]"), u32("env.v7m.basepri[M_REG_NS]"), u32("env.v7m.control[M_REG_NS]"),
    u32("env.v7m.ccr[M_REG_NS]"), u32("env.v7m.cfsr[M_REG_NS]"), u32("env.v7m.hfsr"), u32("env.v7m.dfsr"),
    u32("env.v7m.mmfar[M_REG_NS]"), u32("env.v7m.bfar"), u32("env.v7m.mpu_ctrl[M_REG_NS]"), f("env.v7m.exception", "int32", 4),
  ], ["cpu/m/faultmask-primask", "cpu/m/csselr", "cpu/m/scr", "cpu/m/other-sp", "cpu/m/v8m", "cpu/m/fp", "cpu/m/mve"]),
  "cpu/m/faultmask-primask": sub(1, [u32("env.v7m.faultmask[M_REG_NS]"), u32("env.v7m.primask[M_REG_NS]")]),
  "cpu/m/csselr": sub(1, [u32("env.v7m.csselr", 2)]),
  "cpu/m/scr": sub(1, [u32("env.v7m.scr[M_REG_NS]")]),
  "cpu/m/other-sp": sub(1, [u32("env.v7m.other_sp")]),
  "cpu/m/v8m": sub(1, [u32("env.v7m.msplim", 2), u32("env.v7m.psplim", 2)]),
  "cpu/m/fp": sub(1, [u32("env.v7m.fpcar", 2), u32("env.v7m.fpccr", 2), u32("env.v7m.fpdscr", 2), u32("env.v7m.cpacr", 2), u32("env.v7m.nsacr")]),
  "cpu/m/mve": sub(1, [u32("env.v7m.vpr"), u32("env.v7m.ltpsize")]),
  "cpu/thumb2ee": sub(1, [u32("env.teecr"), u32("env.teehbr")]),
  "cpu/pmsav7-rnr": sub(1, [u32("env.pmsav7.rnr[M_REG_NS]")]),
  "cpu/pmsav7": { ...sub(1, []), unsupported: VARRAY_BY_PROPERTY },
  "cpu/pmsav8": { ...sub(1, []), unsupported: VARRAY_BY_PROPERTY },
  "cpu/m-security": { ...sub(1, []), unsupported: VARRAY_BY_PROPERTY },
  // zreg_hi is VMSTATE_UINT64_SUB_ARRAY(d, ARMVectorReg, 2, ARM_MAX_VQ - 2): 14 words, not 30.
  "cpu/sve": sub(1, [
    structArray("env.vfp.zregs", 32, "cpu/sve/zreg_hi", [u64("d", 14)]),
    structArray("env.vfp.pregs", 17, "cpu/sve/preg", [u64("p", 4)]),
  ]),
  "cpu/sme": sub(1, [structArray("env.za_state.za", 256, "vreg", [u64("d", 32)])]),
  "cpu/zt0": sub(1, [u64("env.za_state.zt0", 8)]),
  "cpu/serror": sub(1, [u8("env.serror.pending"), u8("env.serror.has_esr"), u64("env.serror.esr")]),
  "cpu/irq-line-state": sub(1, [u32("env.irq_line_state")]),
  "cpu/wfxt-timer": sub(1, [f("wfxt_timer", "timer", 8)]),
  "cpu/syndrome64": sub(1, [u64("env.exception.syndrome")]),
  "cpu/pstate64": sub(1, [f("pstate64", "pstate64", 8)]),
  "cpu/event": sub(1, [f("env.event_register", "bool", 1)]),
  "cpu/fpmr": sub(1, [u64("env.vfp.fpmr")]),
};

/**
 * Top-level subsections of `cpu` in emission order, the union of 7.2 … 11.1: 11.1 sends
 * them in this order without `cpu/iwmmxt` (gone in 10.2), and ends with `cpu/fpmr`.
 */
const TOP_SUBSECTIONS = [
  "cpu/vfp", "cpu/iwmmxt", "cpu/m", "cpu/thumb2ee", "cpu/pmsav7-rnr", "cpu/pmsav7", "cpu/pmsav8", "cpu/m-security",
  "cpu/sve", "cpu/sme", "cpu/zt0", "cpu/serror", "cpu/irq-line-state", "cpu/wfxt-timer", "cpu/syndrome64",
  "cpu/pstate64", "cpu/event", "cpu/fpmr",
];

function bytesOf(fields: FieldDesc[]): number {
  return fields.reduce((sum, x) => sum + x.size * (x.array_len ?? 1), 0);
}

/** Options for {@link walkArmCpu}: those of {@link walkSection} plus the section's instance id. */
export interface ArmCpuWalkOptions extends WalkOptions {
  instanceId?: number;
  /** The version from the section header; anything but {@link ARM_CPU_VERSION} is refused. */
  version?: number;
}

/**
 * Walks an Arm `cpu` section (version 22) without a vmdesc. The tree has the same shape
 * and spans as {@link walkSection} with QEMU's own description of the section.
 * @throws TruncatedError when the input ends inside the section, or right where another
 *   subsection could follow (then the end cannot be told).
 * @throws MalformedError if `cpreg_vmstate_array_len` is negative.
 * @throws LimitError if it exceeds {@link MAX_CPREG_COUNT}.
 * @throws UnsupportedError for a section version other than 22, or a subsection whose
 *   layout is unknown or depends on CPU properties (`cpu/pmsav7`, `cpu/pmsav8`,
 *   `cpu/m-security`), or has another version.
 */
export function walkArmCpu(bytes: Uint8Array, pos: number, opts: ArmCpuWalkOptions): WalkResult {
  const { desc, undecidedAt } = describeArmCpu(bytes, pos, opts);
  const result = walkSection(desc, bytes, pos, opts);
  if (undecidedAt !== undefined) {
    throw new TruncatedError("the input ends where another subsection could follow", { offset: opts.base + undecidedAt, path: opts.path });
  }
  return result;
}

/**
 * Builds, from the bytes, the vmdesc device entry QEMU would have written for this `cpu`
 * section. The description stops where the bytes run out: `undecidedAt` is then the index
 * at which a subsection might follow but cannot be peeked.
 */
export function describeArmCpu(bytes: Uint8Array, pos: number, opts: ArmCpuWalkOptions): { desc: DeviceDesc; undecidedAt?: number } {
  if (opts.version !== undefined && opts.version !== ARM_CPU_VERSION) {
    throw new UnsupportedError(`the built-in cpu schema knows version ${ARM_CPU_VERSION}, not ${opts.version}`, { offset: opts.base + pos, path: opts.path });
  }
  const limit = Math.min(opts.limitEnd ?? bytes.length, bytes.length);
  const desc: DeviceDesc = { name: "cpu", instance_id: opts.instanceId ?? 0, vmsd_name: "cpu", version: ARM_CPU_VERSION, fields: [...HEAD] };
  const lenAt = pos + LEN_AT;
  desc.fields.push(f(CPREG_FIELDS.LEN, CPREG_LEN_TYPE_LE, 4));
  if (lenAt + 4 > limit) return { desc };
  const n = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getInt32(lenAt);
  const where = { offset: opts.base + lenAt, path: `${opts.path} / ${CPREG_FIELDS.LEN}` };
  if (n < 0) throw new MalformedError("MALFORMED", `${CPREG_FIELDS.LEN} is negative (${n})`, where);
  if (n > MAX_CPREG_COUNT) throw new LimitError(`${CPREG_FIELDS.LEN} ${n} exceeds ${MAX_CPREG_COUNT}`, where);
  if (n > 0) desc.fields.push(u64(CPREG_FIELDS.INDEXES, n), u64(CPREG_FIELDS.VALUES, n));
  desc.fields.push(...TAIL);
  const peek = new Peeker(bytes, limit, opts);
  const subs = peek.subsections("cpu", TOP_SUBSECTIONS, pos + bytesOf(desc.fields));
  if (subs.list.length > 0) desc.subsections = subs.list;
  // The peek ran past the arrays, so they are in `bytes`: field 13 can now be named.
  const isar2 = subs.list.length > 0 ? listedValue(bytes, lenAt + 4, n, ID_AA64ISAR2_EL1) : undefined;
  desc.fields[HEAD.length] = f(CPREG_FIELDS.LEN, cpregLenType(subs.list.map((s) => s.vmsd_name), isar2), 4);
  return peek.undecidedAt === undefined ? { desc } : { desc, undecidedAt: peek.undecidedAt };
}

/** The value listed for register `id` in the `n`-entry arrays starting at `at`, if listed. */
function listedValue(bytes: Uint8Array, at: number, n: number, id: bigint): bigint | undefined {
  for (let i = 0; i < n; i++) {
    if (readBe64(bytes, at + 8 * i) === id) return readBe64(bytes, at + 8 * (n + i));
  }
  return undefined;
}

class Peeker {
  undecidedAt: number | undefined;
  private stopped = false;
  constructor(
    private readonly b: Uint8Array,
    private readonly limit: number,
    private readonly opts: ArmCpuWalkOptions,
  ) {}

  /**
   * The loader's peek loop (`migration/vmstate.c:vmstate_subsection_load`): another
   * subsection follows iff the next byte is 0x05, its name length is at least
   * strlen(parent) + 1 and the name starts with the parent's name.
   */
  subsections(parent: string, known: string[], start: number): { list: VmsdDesc[]; end: number } {
    const list: VmsdDesc[] = [];
    let p = start;
    const b = this.b;
    for (;;) {
      if (this.stopped || p > this.limit) break;
      if (p === this.limit) { this.undecide(p); break; }
      if (b[p] !== QEMU_VM_SUBSECTION) break;
      if (p + 2 > this.limit) { this.undecide(p); break; }
      const len = b[p + 1]!;
      if (len < parent.length + 1) break;
      if (p + 2 + len > this.limit) { this.undecide(p + 2); break; }
      const name = decodeLatin1(b.subarray(p + 2, p + 2 + len));
      if (!name.startsWith(parent)) break;
      const path = `${this.opts.path} / ${name}`;
      const schema = known.includes(name) ? SUBSECTIONS[name] : undefined;
      if (schema === undefined) throw new UnsupportedError(`subsection "${name}" of "${parent}" is not known to the built-in cpu schema`, { offset: this.opts.base + p, path });
      if (schema.unsupported !== undefined) throw new UnsupportedError(`subsection "${name}" ${schema.unsupported}; a vmdesc is needed`, { offset: this.opts.base + p, path });
      if (p + 2 + len + 4 > this.limit) { this.undecide(p + 2); break; }
      const version = readBe32(b, p + 2 + len);
      if (version !== schema.version) {
        throw new UnsupportedError(`subsection "${name}" version ${version} is not known (expected ${schema.version})`, { offset: this.opts.base + p + 2 + len, path });
      }
      const desc: VmsdDesc = { vmsd_name: name, version, fields: schema.fields };
      const nested = this.subsections(name, schema.children, p + 6 + len + bytesOf(schema.fields));
      if (nested.list.length > 0) desc.subsections = nested.list;
      list.push(desc);
      p = nested.end;
    }
    return { list, end: p };
  }

  private undecide(at: number): void {
    this.undecidedAt = at;
    this.stopped = true;
  }
}
