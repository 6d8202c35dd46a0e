import type { RecordTransform } from "@vmstate/rewrite";
import type { StreamInfo, StreamRecord } from "@vmstate/stream";
import { printable } from "@vmstate/wire";
import type { CliIo } from "./io.js";

/**
 * The one warning every command gives when the decoder could read the device state but not
 * check it (`StreamInfo.unverified`: no vmdesc and no footers, or a section nothing
 * delimits). Without it such a stream, cut short at a byte that reads as the EOF byte, would
 * pass with exit 0 and no word.
 */
export function notVerifiedLine(program: string, name: string, reason: string): string {
  return `${program}: warning: ${notVerifiedText(name, reason)}\n`;
}

/** The warning's words, also shown in the HTML report. */
export function notVerifiedText(name: string, reason: string): string {
  return `${printable(name, 1000)}: device state not verified (${printable(reason, 1000)})`;
}

/**
 * For vmstate-rewrite, which has no record loop of its own: says the warning once the whole
 * input is read (from the end or by a walk), before anything is written.
 */
export class NotVerifiedNotice implements RecordTransform {
  constructor(
    private readonly io: CliIo,
    private readonly name: string,
  ) {}

  apply(rec: StreamRecord): StreamRecord {
    return rec;
  }

  finish(info: StreamInfo): void {
    if (info.unverified !== undefined) this.io.stderr(notVerifiedLine("vmstate-rewrite", this.name, info.unverified));
  }
}
