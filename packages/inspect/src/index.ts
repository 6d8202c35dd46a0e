/**
 * `@vmstate/inspect`: forensic views of a migration stream (what is in it, what differs),
 * as data; the CLI only formats them. Whether a destination would load it is
 * `@vmstate/destination`'s question.
 */
export { readStreamState, sectionKey, armCpus, StreamStateCollector } from "./stream-state.js";
export type { StreamState, DeviceState, SectionEntry, RamBlockState } from "./stream-state.js";
export { LayoutCollector } from "./sections.js";
export type { LayoutEntry, StreamLayout, Span } from "./sections.js";
export { cpuRegisterLists, guessAccelerator, noArmCpuError } from "./cpregs.js";
export type { CpuRegisterList, CpregEntry, Accelerator } from "./cpregs.js";
export { compareRegisterSets } from "./cpreg-compare.js";
export type { RegisterSet, RegisterSetComparison, NamedRegister, NamedChange, LoneRegister, ChangedRegister } from "./cpreg-compare.js";
export { pairFields } from "./field-pairs.js";
export type { FieldPairing, LeafPair, ShapeMismatch, SubsectionPair, PairOptions } from "./field-pairs.js";
export { integerValue } from "./field-diff.js";
export type { FieldDifference } from "./field-diff.js";
export { diffStreams, diffDevice } from "./diff.js";
export type { StreamDiff, DeviceDiff, CpregDiff } from "./diff.js";
export { headerDifferences, ramBlockDifferences } from "./header-diff.js";
export type { HeaderDifference, RamBlockDifference } from "./header-diff.js";
export { AnalyzeMigrationCollector, type AnalyzeOmission } from "./analyze-migration.js";
export type { PyValue, PyDict } from "./python-json.js";
export { dumpSection } from "./field-dump.js";
export { SCALAR_KINDS } from "@vmstate/stream";
export type { DumpSection, DumpField, DumpVmsd, DumpSubsection, DumpValue } from "./field-dump.js";
export { applyXbzrle, XbzrleError } from "./xbzrle.js";
export { RamExtractor, type PageTarget, type ExtractedBlock, type RamExtractOptions } from "./ram-extract.js";
export { BlockFiles, type RamFs, type BlockFile } from "./ram-files.js";
export { BlockFileNames } from "./ram-files.js";
export { verifyStream, type VerifyReport, type VerifyCounts, type VerifyOptions, type VerifyRamBlock } from "./verify.js";
export { ProblemList, MAX_PROBLEMS, type Problem, type ProblemCode } from "./problems.js";
export { ChunkRecorder } from "./chunk-recorder.js";
export { PageMapCollector, MAX_BUCKETS, PAGE_KINDS, type BlockPageMap, type PageKind } from "./page-map.js";
