/**
 * The one error hierarchy of vmstate. Every failure a stream can cause carries a stable
 * `code`, the absolute byte `offset` in the input where it was noticed, and a `path` that
 * names the place in the stream (`cpu (1) / cpreg_vmstate_indexes[17]`), so that a CLI can
 * print one line that a person can act on.
 */
import { printable } from "./printable.js";

export type VmstateErrorCode =
  | "TRUNCATED"
  | "BAD_MAGIC"
  | "BAD_VERSION"
  | "MALFORMED"
  | "BAD_FOOTER"
  | "UNKNOWN_SECTION"
  | "UNSUPPORTED"
  | "LIMIT"
  | "VMDESC"
  | "NOT_APPLICABLE"
  | "STRICT"
  /** A walked section's sizes or counts, or the vmdesc's page size or configuration, contradict the stream (`@vmstate/stream`'s walk checks). */
  | "SIZE_MISMATCH"
  | "ARRAY_LEN"
  | "TYPE_SIZE"
  | "PAGE_SIZE"
  | "MISSING_SECTION";

export interface VmstateErrorOptions {
  /** Absolute byte offset in the input where the problem was found. */
  offset?: number;
  /** Where in the stream: section, field, element. */
  path?: string;
  cause?: unknown;
}

/** Longest detail and path a message shows: room for a few names, each cut by {@link printable}. */
const DETAIL_MAX = 600;
const PATH_MAX = 300;

/**
 * Base class: anything the libraries throw on account of their input. Detail and path are
 * made {@link printable} here, once for every layer, since both often quote names the stream
 * chose: a message is always one safe line.
 */
export class VmstateError extends Error {
  readonly code: VmstateErrorCode;
  readonly offset: number | undefined;
  path: string | undefined;
  /** The message without the location suffix, for reports that print location apart. */
  readonly detail: string;

  constructor(code: VmstateErrorCode, detail: string, options: VmstateErrorOptions = {}) {
    const shown = { ...options, ...(options.path === undefined ? {} : { path: printable(options.path, PATH_MAX) }) };
    detail = printable(detail, DETAIL_MAX);
    super(formatMessage(detail, shown), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.offset = options.offset;
    this.path = shown.path;
    this.detail = detail;
  }

  /**
   * Adds the place in the stream when the code that noticed the problem did not know it
   * (a byte reader runs out of input without knowing which section it was reading).
   */
  within(path: string): this {
    if (this.path === undefined) {
      path = printable(path, PATH_MAX);
      this.path = path;
      this.message = formatMessage(this.detail, { offset: this.offset, path });
    }
    return this;
  }
}

/** The input ended inside a record. */
export class TruncatedError extends VmstateError {
  constructor(detail: string, options: VmstateErrorOptions = {}) {
    super("TRUNCATED", detail, options);
  }
}

/** The bytes contradict the format (bad magic, unknown type byte, wrong footer, ...). */
export class MalformedError extends VmstateError {
  constructor(code: VmstateErrorCode, detail: string, options: VmstateErrorOptions = {}) {
    super(code, detail, options);
  }
}

/** The stream uses a feature we recognise but cannot handle for this operation. */
export class UnsupportedError extends VmstateError {
  constructor(detail: string, options: VmstateErrorOptions = {}) {
    super("UNSUPPORTED", detail, options);
  }
}

/** A length or size read from the wire is beyond what we agree to buffer. */
export class LimitError extends VmstateError {
  constructor(detail: string, options: VmstateErrorOptions = {}) {
    super("LIMIT", detail, options);
  }
}

function formatMessage(detail: string, { offset, path }: VmstateErrorOptions): string {
  const where = path === undefined ? "" : ` in ${path}`;
  const at = offset === undefined ? "" : ` at offset 0x${offset.toString(16)} (${offset})`;
  return `${detail}${where}${at}`;
}
