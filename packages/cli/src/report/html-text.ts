/**
 * Putting text into the report's HTML safely. Everything the page shows of a stream (block
 * and section names, field values, libvirt's domain XML) is the stream's own bytes, which
 * anyone may have crafted: each string goes through {@link esc} into markup and through
 * {@link scriptJson} into the data the page's script reads, so no input can close a tag,
 * open a script or break out of an attribute.
 */

const ENTITIES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** `s` as HTML text or as a quoted attribute value. */
export function esc(s: string | number): string {
  return String(s).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/**
 * `value` as JSON to sit inside `<script type="application/json">`: `<`, `>` and `&` are
 * written as `\u` escapes (JSON.parse reads them back as themselves), so a string holding
 * `</script>` cannot end the element early.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** `1234567` → `1,234,567`, the same whatever the locale of the machine that made the page. */
export function grouped(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** A byte count for people: `5404 bytes`, `2.9 MiB`, `16.0 GiB`. */
export function byteSize(n: number): string {
  if (n < 1024) return `${n} bytes`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}
