/**
 * @vmstate/vmsd: the vmdesc JSON model, a field walker that finds every field's byte span
 * in a device section, and generic vmdesc edits. Device-specific schemas (for streams
 * without a vmdesc) live with their device's package and build the description this walker
 * takes.
 */
export { parseJson, serializeJson, quote, MAX_JSON_DEPTH } from "./json.js";
export type { JsonValue, JsonObject, ParseJsonOptions } from "./json.js";
export {
  parseVmdesc,
  MAX_VMDESC_BYTES,
  vmdescTooLarge,
  MAX_VMDESC_VALUES,
  serializeVmdesc,
  serializeVmdescBytes,
  findDevice,
  isOldStyleDevice,
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
  VMSTATE_SCALAR_KINDS,
} from "./field-values.js";
export type { ScalarKind, ScalarKinds, ScalarValue } from "./field-values.js";
export { setArrayLen } from "./vmdesc-edit.js";
export type { NewFieldTemplate } from "./vmdesc-edit.js";
export { removeSubsection } from "./vmdesc-subsections.js";
export type { VmsdStep } from "./vmdesc-subsections.js";
export { findSubsectionPlaces } from "./subsection-search.js";
export type { SubsectionPlace } from "./subsection-search.js";
