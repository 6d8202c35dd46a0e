/**
 * An input that can move on without reading: a file read at positions. ByteSource.discard
 * uses it to pass over bytes nobody looks at (a mapped-ram page area, mostly holes) at no
 * cost, where a pipe has to read them.
 */
export interface SkippingInput extends Iterable<Uint8Array> {
  /**
   * Moves the next read up to `n` bytes further on, reading nothing, and says how far it
   * moved (less than `n` only at the end of the input). Called only between chunks, when
   * every chunk handed out has been consumed.
   */
  skipUnread(n: number): number;
}
