export { rewriteStream, type RecordTransform, type RewriteOptions, type RewriteResult } from "./pipeline.js";
