/**
 * Register names, both ways. One index joins every table this package carries:
 *
 * | space          | source                                                            |
 * | -------------- | ----------------------------------------------------------------- |
 * | `sysreg`       | Linux `arch/arm64/tools/sysreg` (`sysreg-linux.ts`), then common and numbered registers it lacks (`sysreg-extra.ts`) |
 * | `core`, `fw`, `fw-feat-bmap`, `sve`, `kvm-alias` | Linux `arch/arm64/include/uapi/asm/kvm.h` (`kvm-names.ts`) |
 * | `aarch32`      | AArch32 cp15/cp14 registers in QEMU TCG's id encoding (`aarch32-table.ts`) |
 *
 * Names are unique across spaces (AArch32 names carry no `_ELx` suffix, e.g. `ID_DFR0`
 * against AArch64 `ID_DFR0_EL1`; 64-bit AArch32 views that share a 32-bit register's name
 * carry `_64`; QEMU's secure-bank copies of AArch32 registers carry `_S`), so a printed name
 * always resolves back to its id. Ids with no table entry
 * get the generic name of `regid-format.ts`. The index is built once, on first use, and never
 * changes.
 */
import { aarch32Regs, aarch32Regs64 } from "./aarch32-table.js";
import { CORE_NAMES, FW_FEAT_BMAP_NAMES, FW_NAMES, SVE_NAMES, TIMER_ALIASES, type KvmName } from "./kvm-names.js";
import { genericRegName } from "./regid-format.js";
import { cp32RegId, cp64RegId, decodeRegId, sysRegId } from "./regid.js";
import { extraSysregs, parseSysregLines } from "./sysreg-extra.js";
import { LINUX_SYSREGS } from "./sysreg-linux.js";

/** Which table a name comes from. */
export type RegisterSpace = "core" | "sysreg" | "fw" | "fw-feat-bmap" | "sve" | "kvm-alias" | "aarch32";

/** One (name, id) pair of the index. */
export interface RegisterName {
  readonly name: string;
  readonly id: bigint;
  readonly space: RegisterSpace;
  /** False for aliases such as `KVM_REG_ARM_TIMER_CNT`, or a second name for the same encoding. */
  readonly primary: boolean;
  readonly note?: string;
}

interface NameIndex {
  byId: Map<bigint, RegisterName[]>;
  byUpper: Map<string, RegisterName[]>;
  names: string[];
}

let cached: NameIndex | undefined;

function buildIndex(): NameIndex {
  const byId = new Map<bigint, RegisterName[]>();
  const byUpper = new Map<string, RegisterName[]>();
  const add = (name: string, id: bigint, space: RegisterSpace, note?: string): void => {
    const upper = name.toUpperCase();
    const sameName = byUpper.get(upper);
    if (sameName?.some((e) => e.id === id)) return; // a table repeating itself
    const forId = byId.get(id);
    const entry: RegisterName = { name, id, space, primary: forId === undefined, ...(note === undefined ? {} : { note }) };
    if (forId === undefined) byId.set(id, [entry]);
    else forId.push(entry);
    if (sameName === undefined) byUpper.set(upper, [entry]);
    else sameName.push(entry);
  };
  const addKvm = (list: readonly KvmName[], space: RegisterSpace): void => {
    for (const k of list) add(k.name, k.id, space, k.note);
  };
  addKvm(CORE_NAMES, "core");
  for (const [name, op0, op1, crn, crm, op2] of parseSysregLines(LINUX_SYSREGS)) add(name, sysRegId(op0, op1, crn, crm, op2), "sysreg");
  for (const [name, op0, op1, crn, crm, op2] of extraSysregs()) add(name, sysRegId(op0, op1, crn, crm, op2), "sysreg");
  addKvm(FW_NAMES, "fw");
  addKvm(FW_FEAT_BMAP_NAMES, "fw-feat-bmap");
  addKvm(SVE_NAMES, "sve");
  addKvm(TIMER_ALIASES, "kvm-alias");
  for (const [name, cp, opc1, crn, crm, opc2] of aarch32Regs()) {
    add(name, cp32RegId(cp, opc1, crn, crm, opc2), "aarch32");
    add(`${name}_S`, cp32RegId(cp, opc1, crn, crm, opc2, 0), "aarch32", "QEMU's secure-bank copy (ns bit clear)");
  }
  for (const [name, cp, opc1, crm] of aarch32Regs64()) {
    add(name, cp64RegId(cp, opc1, crm), "aarch32");
    add(`${name}_S`, cp64RegId(cp, opc1, crm, 0), "aarch32", "QEMU's secure-bank copy (ns bit clear)");
  }
  return { byId, byUpper, names: [...byUpper.values()].map((list) => list[0]?.name ?? "") };
}

function index(): NameIndex {
  cached ??= buildIndex();
  return cached;
}

/** Every (name, id) pair for `id`, primary name first; empty when no table names it. */
export function namesOfRegister(id: bigint): readonly RegisterName[] {
  return index().byId.get(id) ?? [];
}

/**
 * The name to print for `id`: its primary table name, else the generic field form
 * (`S3_0_C2_C0_3`, `FW_FEAT_BMAP[7]`, `cp15(opc1=0,CRn=1,CRm=0,opc2=0)`), never a bare number.
 */
export function registerName(id: bigint): string {
  return index().byId.get(id)?.[0]?.name ?? genericRegName(decodeRegId(id));
}

/**
 * Table entries whose name equals `name` ignoring case. A `KVM_REG_ARM_` (or
 * `KVM_REG_ARM64_`) prefix is optional: `VENDOR_HYP_BMAP_2` finds
 * `KVM_REG_ARM_VENDOR_HYP_BMAP_2`. An exact spelling wins over a prefixed one.
 */
export function lookupRegisterName(name: string): readonly RegisterName[] {
  const upper = name.trim().toUpperCase();
  const { byUpper } = index();
  return byUpper.get(upper) ?? byUpper.get("KVM_REG_ARM_" + upper) ?? byUpper.get("KVM_REG_ARM64_" + upper) ?? [];
}

/** Every name in the index (one spelling each), for suggestions and listings. */
export function allRegisterNames(): readonly string[] {
  return index().names;
}

/**
 * The same-named register in the other execution state, if the tables have one:
 * `ID_DFR0_EL1` ↔ `ID_DFR0`, `SCTLR_EL1` ↔ `SCTLR`. QEMU TCG lists many registers in both
 * spaces (wire-format.md §12.8 had to change ID_DFR0 at 0x40200000200f0082 and
 * 0x603000000013c00a together), so a report can say "also change the twin". Matching is by
 * name only; architectural pairs with different names (DFSR ↔ ESR_EL1) are not found.
 */
export function twinRegister(id: bigint): RegisterName | undefined {
  const entry = index().byId.get(id)?.[0];
  if (entry === undefined) return undefined;
  const upper = entry.name.toUpperCase();
  if (entry.space === "sysreg" && upper.endsWith("_EL1")) {
    return index().byUpper.get(upper.slice(0, -4))?.find((e) => e.space === "aarch32");
  }
  if (entry.space === "aarch32") return index().byUpper.get(`${upper}_EL1`)?.find((e) => e.space === "sysreg");
  return undefined;
}
