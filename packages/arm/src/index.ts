/**
 * `@vmstate/arm`: everything Arm about a QEMU stream: register ids of the `cpu` section as
 * pure functions over bigint ids and values, and the `cpu` section itself (built on the
 * generic walker of `@vmstate/vmsd`). Knows nothing about stream framing or files.
 *
 * - ids: {@link decodeRegId} / {@link encodeRegId} / {@link formatRegId}
 * - names: {@link registerName}, {@link lookupRegisterName}, {@link describeRegister}
 * - user arguments: {@link parseRegisterId}, {@link parseRegisterList}, {@link parseSetList},
 *   {@link parseRegisterListText}
 * - the cpreg edit: {@link planCpregEdit}, its risk classes {@link assessCpregChange}, and
 *   which registers a destination holds at its own value ({@link isConstantRegister})
 * - the `cpu` device section (`cpu-section/`): {@link walkArmCpu} (built-in schema for
 *   streams without a vmdesc), {@link readCpregArrays}, {@link setCpregArrayLens}
 */
export {
  ARM64_GROUP, DEMUX_ID_CCSIDR, REG_ARCH, REG_SIZES, SVE_LAYOUT,
  cp32RegId, cp64RegId, decodeRegId, encodeRegId, formatRegId, isU64, sysRegId,
} from "./regid.js";
export type {
  Cp32RegId, Cp64RegId, CoreRegId, DemuxRegId, FwFeatBmapRegId, FwRegId, OtherRegId, RegId, RegSize, SveRegId, SysRegId,
} from "./regid.js";
export { CORE_LAYOUT, defaultRegSize } from "./regid-format.js";
export { allRegisterNames, lookupRegisterName, namesOfRegister, registerName, twinRegister } from "./names.js";
export type { RegisterName, RegisterSpace } from "./names.js";
export { describeRegister, isReadOnlyIdRegister } from "./describe.js";
export type { RegisterDescription } from "./describe.js";
export { suggestRegisterNames } from "./suggest.js";
export {
  parseRegisterId, parseRegisterList, parseRegisterListText, parseRegisterValue, parseSetAssignment, parseSetList,
} from "./parse.js";
export { checkCpregRequest, planCpregEdit, validateCpregList } from "./cpreg-edit.js";
export type {
  CpregAbsent, CpregAddConflict, CpregChange, CpregEditPlan, CpregEditRequest, CpregList, CpregUnchanged,
} from "./cpreg-edit.js";
export { mergeCpregs, type CpregMerge } from "./cpreg-edit-add.js";
export { assessCpregChange, cpregTolerance, toleratedMissing, toleratesIncoming, type CpregTolerance, type RiskAssessment, type RiskClass } from "./cpreg-risk.js";
export { isConstantRegister } from "./constant-registers.js";
export { qemuCpregKey } from "./qemu-cpreg-key.js";
export { ArmError, CpregListError, RegisterArgumentError } from "./errors.js";
export type { ArmErrorCode } from "./errors.js";
export { ARM_CPU_IDSTR, ARM_CPU_VERSION, CPREG_FIELDS } from "./cpu-section/section.js";
export { MAX_CPREG_COUNT, describeArmCpu, walkArmCpu } from "./cpu-section/schema.js";
export type { ArmCpuWalkOptions } from "./cpu-section/schema.js";
export { readCpregArrays } from "./cpu-section/cpreg-arrays.js";
export type { CpregArrays } from "./cpu-section/cpreg-arrays.js";
export { CPREG_TEMPLATES, setCpregArrayLens } from "./cpu-section/vmdesc-cpregs.js";
export { ARM_SCALAR_KINDS } from "./cpu-section/scalar-kinds.js";
