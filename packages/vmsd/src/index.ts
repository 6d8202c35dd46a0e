/**
 * @vmstate/vmsd: the vmdesc JSON model, a field walker that finds every field's byte span
 * in a device section, and built-in fallback schemas for streams without a vmdesc.
 */
export { parseJson, serializeJson, quote, rawMembers, MAX_JSON_DEPTH } from "./json.js";
export type { JsonValue, JsonObject, ParseJsonOptions } from "./json.js";
export {
  parseVmdesc,
  serializeVmdesc,
  serializeVmdescBytes,
  findDevice,
  isOldStyleDevice,
  isObject,
} from "./vmdesc-model.js";
export type { Vmdesc, DeviceDesc, VmsdDesc, FieldDesc, ParseVmdescOptions } from "./vmdesc-model.js";
export { findField, findFields, findSubsection, elementCount } from "./field-tree.js";
export type { FieldTree, SubsectionTree, WalkResult } from "./field-tree.js";
export { walkSection, QEMU_VM_SUBSECTION, VMS_NULLPTR_MARKER, MAX_STRUCT_ELEMENTS } from "./walker.js";
export type { WalkOptions } from "./walker.js";
export {
  readScalar,
  readElement,
  readUint64Element,
  readUint64Array,
  elementBytes,
  fieldBytes,
  SCALAR_KINDS,
} from "./field-values.js";
export type { ScalarKind, ScalarValue } from "./field-values.js";
export { walkArmCpu, describeArmCpu, ARM_CPU_VERSION, MAX_CPREG_COUNT } from "./arm-cpu-schema.js";
export type { ArmCpuWalkOptions } from "./arm-cpu-schema.js";
export { setArrayLen, CPREG_TEMPLATES } from "./vmdesc-edit.js";
export type { NewFieldTemplate } from "./vmdesc-edit.js";
export { removeSubsection } from "./vmdesc-subsections.js";
export { readCpregArrays, CPREG_FIELDS, type CpregArrays } from "./arm-cpregs.js";
