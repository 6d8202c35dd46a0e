export * from "./constants.js";
export type * from "./records.js";
export { StreamDecoder, decode, startsDeviceTail, DEFAULT_MAX_TAIL_BYTES, type DecodeOptions, type StreamInfo } from "./decoder.js";
export { StreamEncoder, encodeRecord } from "./encoder.js";
export {
  encodeVmdescFrame,
  locateVmdesc,
  vmdescCandidates,
  describeAfterEof,
  type VmdescFrame,
  type VmdescCandidate,
  type AfterEof,
} from "./vmdesc-frame.js";
export type { RamState, PageTally, MappedRamPageSink } from "./ram-state.js";
export { SummaryCollector, ramBlockSummaries, type StreamSummary, type SectionSummary, type RamBlockSummary } from "./summary.js";
export { checkWalkedFields, COUNTED_ARRAYS, type CountedArray, type DescribedSection, type WalkCheckCode, type WalkCheckReport } from "./walk-checks.js";
export { SCALAR_KINDS } from "./scalar-kinds.js";
export { checkAgainstVmdesc, type KeptConfiguration } from "./vmdesc-checks.js";
export { scanForFooter } from "./footer-scan.js";
export { FOOTER_SIZE, footerAt, parseFullHeaderAt, type FullHeaderAt, type SectionInfo } from "./section-header.js";
export { readStreamHead, type StreamHead } from "./stream-head.js";
export { locateDeviceTail, type PositionalInput, type LocatedTail, type TailSearch } from "./tail-locate.js";
export { LIBVIRT_MAGIC, LIBVIRT_MAGIC_PARTIAL, LIBVIRT_HEADER_SIZE, LIBVIRT_FORMATS, libvirtHeaderFields, readLibvirtImageHead, type LibvirtHeaderFields } from "./libvirt-header.js";
export {
  libvirtCompressor,
  LIBVIRT_STREAM_DECOMPRESSED,
  isDecompressedLibvirtInput,
  type LibvirtCompressor,
  type LibvirtCompressedFormat,
  type LibvirtFormat,
} from "./libvirt-compressors.js";
