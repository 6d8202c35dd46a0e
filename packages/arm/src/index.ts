/**
 * `@vmstate/arm`: Arm register ids of QEMU's `cpu` section, as pure functions over bigint
 * ids and values. Knows nothing about streams or files.
 *
 * - ids: {@link decodeRegId} / {@link encodeRegId} / {@link formatRegId}
 * - names: {@link registerName}, {@link lookupRegisterName}, {@link describeRegister}
 * - user arguments: {@link parseRegisterId}, {@link parseRegisterList}, {@link parseSetList},
 *   {@link parseRegisterListText}
 * - the cpreg edit: {@link planCpregEdit}, its risk classes {@link assessCpregChange}, and
 *   which registers a destination holds at its own value ({@link isConstantRegister})
 */
export {
  ARM64_GROUP, DEMUX_ID_CCSIDR, REG_ARCH, REG_SIZES, SVE_LAYOUT,
  cp32RegId, cp64RegId, decodeRegId, encodeRegId, formatRegId, isU64, sysRegId,
} from "./regid.js";
export type {
  Cp32RegId, Cp64RegId, CoreRegId, DemuxRegId, FwFeatBmapRegId, FwRegId, OtherRegId, RegId, RegSize, SveRegId, SysRegId,
} from "./regid.js";
export { CORE_LAYOUT, defaultRegSize, genericRegName, regFieldsText } from "./regid-format.js";
export { allRegisterNames, lookupRegisterName, namesOfRegister, registerName, twinRegister } from "./names.js";
export type { RegisterName, RegisterSpace } from "./names.js";
export { describeRegister, isReadOnlyIdRegister } from "./describe.js";
export type { RegisterDescription } from "./describe.js";
export { editDistance, suggestRegisterNames } from "./suggest.js";
export {
  parseRegisterId, parseRegisterList, parseRegisterListText, parseRegisterValue, parseSetAssignment, parseSetList,
  splitRegisterList,
} from "./parse.js";
export { checkCpregRequest, findCpreg, planCpregEdit, validateCpregList } from "./cpreg-edit.js";
export type {
  CpregAbsent, CpregAddConflict, CpregChange, CpregEditPlan, CpregEditRequest, CpregList, CpregUnchanged,
} from "./cpreg-edit.js";
export { mergeCpregs, type CpregMerge } from "./cpreg-edit-add.js";
export { assessCpregChange, toleratedMissing, type RiskAssessment, type RiskClass } from "./cpreg-risk.js";
export { isConstantRegister } from "./constant-registers.js";
export { qemuCpregKey } from "./qemu-cpreg-key.js";
export { ArmError, CpregListError, RegisterArgumentError } from "./errors.js";
export type { ArmErrorCode } from "./errors.js";
