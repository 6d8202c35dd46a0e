export {
  VmstateError,
  TruncatedError,
  MalformedError,
  UnsupportedError,
  LimitError,
  type VmstateErrorCode,
  type VmstateErrorOptions,
} from "./errors.js";
export { printable, SHOWN_MAX } from "./printable.js";
export { ByteSource, type ByteInput } from "./byte-source.js";
export { ByteWriter, readBe32, readBe64, decodeLatin1, writeBe32, writeBe64, hex64 } from "./byte-writer.js";
export { type ByteSink, MemorySink, FdSink } from "./sink.js";
export { FdReader, type RecyclingInput } from "./fd-reader.js";
export type { SkippingInput } from "./skipping-input.js";
export { fdIoFrom, writeFully, type FdIo, type SyncFs } from "./fd-io.js";
