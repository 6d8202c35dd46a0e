export { rewriteStream, type RecordTransform, type RewriteOptions, type RewriteResult } from "./pipeline.js";
export { CpregTransform, type CpregEditor } from "./cpreg-transform.js";
export { spliceCpregs } from "./cpreg-splice.js";
export {
  HideSetTransform,
  type HideSetRequest,
  type RewriteReport,
  type ReportedChange,
  type ReportedAbsent,
  type ReportedWarning,
} from "./hide-set.js";
export { planTailRewrite, type SeekableStream, type TailRewrite, type TailRewriteOptions } from "./tail-rewrite.js";
