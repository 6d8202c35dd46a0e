/**
 * How a string that came from a stream is shown. Names in a migration stream (RAM block
 * names, section ids, subsection names, up to 255 bytes each) and in its vmdesc are chosen by
 * whoever wrote the stream: shown raw, `ESC[2J`, a CR or a NUL would act on the reader's
 * terminal or split one error line into several. Every message, text report and JSON document
 * shows them through {@link printable}: control and invisible characters as visible escapes,
 * and no more than a sensible length.
 */

/** Most characters of one string shown (a real name is a few dozen). */
export const SHOWN_MAX = 120;

/**
 * Characters that must not reach a terminal as they are: C0 and C1 controls (0x9b is a CSI
 * on some terminals), DEL, format characters (bidi overrides), line and paragraph
 * separators, unassigned and private-use code points, lone surrogates.
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}\p{Zl}\p{Zp}]/gu;

const NAMED: Record<string, string> = { "\0": "\\0", "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/**
 * `s` with every unsafe character escaped (`\0`, `\n`, `\r`, `\t`, `\x1b`, `\u{202e}`), cut
 * to `max` characters with a note of how many more there were. Already printable text comes
 * back unchanged, so applying it twice is harmless.
 * @param keepNewlines leave `\n` alone (for multi-line text reports; each line is still safe).
 */
export function printable(s: string, max = SHOWN_MAX, keepNewlines = false): string {
  const cut = s.length > max ? `${s.slice(0, max)}…(${s.length - max} more)` : s;
  return cut.replace(UNSAFE, (c) => {
    if (keepNewlines && c === "\n") return c;
    const named = NAMED[c];
    if (named !== undefined) return named;
    const code = c.codePointAt(0)!;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u{${code.toString(16)}}`;
  });
}
