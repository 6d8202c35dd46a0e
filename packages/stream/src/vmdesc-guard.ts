import { MAX_VMDESC_BYTES, vmdescTooLarge } from "@vmstate/vmsd";
import { QEMU_VM } from "./constants.js";

/**
 * JSON text after the frame's `{` that confirms a frame announcing too much: a device's
 * state holding `00 06 <length> {` followed by this much text without a control byte is
 * not seen in practice, while a vmdesc always is text (JSON has no raw byte below 0x20 but
 * tab, LF and CR).
 */
const CONFIRM_BYTES = 64 << 10;

/**
 * Watches the device tail as it is read (the decoder buffers it whole, since its layout is
 * known only from the vmdesc at its end) for a vmdesc frame, `00 06 <be32 length> {`, whose
 * length word announces more JSON than vmstate parses: it is refused from that word, once
 * {@link CONFIRM_BYTES} of JSON text behind it show it is one, instead of after buffering up
 * to `--max-tail` of it.
 */
export class VmdescGuard {
  /** The last bytes seen before the current chunk, for a frame cut between chunks. */
  private carry = new Uint8Array(0);
  private seen = 0;
  private candidate: { at: number; length: number; text: number } | undefined;

  constructor(
    /** Offset of the first byte watched. */
    private readonly base: number,
  ) {}

  readonly watch = (chunk: Uint8Array): void => {
    const data = new Uint8Array(this.carry.length + chunk.length);
    data.set(this.carry);
    data.set(chunk, this.carry.length);
    const start = this.seen - this.carry.length;
    for (let i = 0; i < data.length; i++) {
      const c = this.candidate;
      if (c !== undefined && start + i > c.at + 5) {
        if (data[i]! < 0x20 && data[i] !== 0x09 && data[i] !== 0x0a && data[i] !== 0x0d) this.candidate = undefined;
        else if (++c.text >= CONFIRM_BYTES) throw vmdescTooLarge(c.length, this.base + c.at);
        continue;
      }
      if (c === undefined && i + 6 < data.length && data[i] === QEMU_VM.EOF && data[i + 1] === QEMU_VM.VMDESCRIPTION && data[i + 6] === 0x7b) {
        const length = ((data[i + 2]! << 24) | (data[i + 3]! << 16) | (data[i + 4]! << 8) | data[i + 5]!) >>> 0;
        if (length > MAX_VMDESC_BYTES) this.candidate = { at: start + i + 1, length, text: 0 };
      }
    }
    this.seen += chunk.length;
    this.carry = data.slice(Math.max(0, data.length - 6));
  };
}
