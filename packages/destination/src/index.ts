/**
 * `@vmstate/destination`: the destination model. Given a source stream and what is known of
 * a destination (a stream it saved, or its register ids), predict what that destination's
 * QEMU release does with the source: loads it, refuses it (and the exact lines it prints),
 * or cannot be told; and which rewrite makes it load.
 */
export { explainLoad } from "./explain.js";
export type { Destination, Explanation, ExplainOptions, Verdict } from "./explain.js";
export { parseQemuRelease, WORDING_RELEASES, type QemuRelease, type QemuWording } from "./release.js";
export { FIXABLE_KINDS } from "./rewrite-fix.js";
export type { RegisterChange, RewriteFix } from "./rewrite-fix.js";
export type { LoadProblem, ProblemKind as LoadProblemKind, Severity as LoadSeverity } from "./load-problems.js";
export { KNOWN_CPU_SUBSECTIONS, KNOWN_RELEASES } from "./cpu-subsections.js";
