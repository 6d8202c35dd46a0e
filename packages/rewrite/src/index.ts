export { rewriteStream, type RecordTransform, type RewriteOptions, type RewriteResult } from "./pipeline.js";
export { applyByteEdits, type ByteEdit } from "./byte-edits.js";
export { SectionEditTransform, type SectionEditor } from "./section-edit.js";
export { CpregSectionEditor, type CpregEditor } from "./cpreg-section-editor.js";
export { SubsectionDropEditor, type DroppedSubsection, type UndecodedSection } from "./subsection-drop.js";
export { RewritePlanTransform, checkRewritePlan, type RewritePlan } from "./plan-transform.js";
export {
  type RewriteReport,
  type ReportedChange,
  type ReportedRegisterChange,
  type ReportedSubsectionDrop,
  type ReportedUndecoded,
  type ReportedAbsent,
  type ReportedUnchanged,
  type ReportedWarning,
} from "./report.js";
export { FitTransform, type FitOptions } from "./fit-transform.js";
export { planTailRewrite, type SeekableStream, type TailRewrite, type TailRewriteOptions } from "./tail-rewrite.js";
