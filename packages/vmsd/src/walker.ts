/**
 * Walks a device section guided by its vmdesc entry, finding where each field starts and
 * ends and where the section's payload ends. The algorithm is that of QEMU's
 * `scripts/analyze-migration.py` (`VMSDFieldStruct.read`), following the writer in
 * `migration/vmstate.c:vmstate_save_state_v` and `vmstate_subsection_save`:
 *
 * - each field entry covers `size` bytes per element, `array_len` elements when present;
 *   `index` entries are single elements;
 * - `struct` entries recurse into their `struct` vmsd per element; `vstruct` and `tmp`
 *   entries carry the child vmsd's keys inline (`vmstate-types.c:put_tmp`);
 * - `nullptr` is the one byte `0x30` (`vmstate-types.c:put_nullptr`);
 * - `capability` elements are counted strings (`savevm.c:vmstate_info_capability`);
 * - after the fields, each described subsection in order: `0x05`, counted name equal to its
 *   `vmsd_name`, be32 version equal to its `version`, its fields and nested subsections.
 *
 * Every read is bounds-checked before it is made.
 */
import { LimitError, MalformedError, TruncatedError, decodeLatin1, printable, readBe32 } from "@vmstate/wire";
import type { FieldTree, SubsectionTree, WalkResult } from "./field-tree.js";
import type { JsonObject, JsonValue } from "./json.js";
import { isObject } from "./vmdesc-model.js";

/** `QEMU_VM_SUBSECTION` (`migration/savevm.h`). */
export const QEMU_VM_SUBSECTION = 0x05;
/** `VMS_NULLPTR_MARKER` (`migration/vmstate-types.c`), the byte written for a NULL pointer. */
export const VMS_NULLPTR_MARKER = 0x30;
/** Most elements of a struct array we agree to walk (each becomes a tree node). */
export const MAX_STRUCT_ELEMENTS = 1 << 20;

/** Options for {@link walkSection}. */
export interface WalkOptions {
  /** Absolute offset of `bytes[0]` in the input, for error offsets. */
  base: number;
  /** Prefix of error paths, e.g. `cpu (1)`. */
  path: string;
  /** Index into `bytes` that the section must not pass (defaults to `bytes.length`). */
  limitEnd?: number;
}

/**
 * Walks one section's payload starting at `bytes[pos]` with its vmdesc device object (or
 * any vmsd object: the `configuration` entry, a subsection).
 * @returns `end`, the index just after the payload, and the field tree (indices into `bytes`).
 * @throws TruncatedError when a read would pass `bytes.length` or `limitEnd`.
 * @throws MalformedError code `MALFORMED` when a described subsection header or NULL marker
 *   is not in the stream, or a struct's bytes disagree with its described size; code
 *   `VMDESC` when the description lacks a key it needs.
 * @throws LimitError for a struct array of more than {@link MAX_STRUCT_ELEMENTS} elements.
 */
export function walkSection(entry: JsonObject, bytes: Uint8Array, pos: number, opts: WalkOptions): WalkResult {
  const w = new Walker(bytes, Math.min(opts.limitEnd ?? bytes.length, bytes.length), opts.base);
  const isDevice = entry["name"] !== undefined;
  const name = isDevice ? str(entry, "name", opts.path, w.abs(pos)) : str(entry, "vmsd_name", opts.path, w.abs(pos));
  const node: FieldTree = { name, type: isDevice ? "device" : "vmsd", start: pos, end: pos };
  w.vmsd(entry, node, opts.path);
  return { end: node.end, node };
}

class Walker {
  constructor(
    private readonly bytes: Uint8Array,
    private readonly limit: number,
    private readonly base: number,
  ) {}

  abs(pos: number): number {
    return this.base + pos;
  }

  /** Throws TruncatedError unless `n` bytes are available at `pos`. */
  need(pos: number, n: number, path: string, what: string): void {
    if (pos + n > this.limit) {
      const left = Math.max(0, this.limit - pos);
      throw new TruncatedError(`${what}: needs ${n} bytes, ${left} left`, { offset: this.abs(pos), path });
    }
  }

  /** Walks the fields and subsections of a vmsd-like object into `node` (from `node.end`). */
  vmsd(desc: JsonObject, node: FieldTree, path: string): void {
    let pos = node.end;
    const children: FieldTree[] = [];
    for (const f of list(desc, "fields", path, this.abs(pos), false)) {
      const child = this.field(f, pos, path);
      children.push(child);
      pos = child.end;
    }
    node.children = children;
    const subs = list(desc, "subsections", path, this.abs(pos), true);
    if (subs.length > 0) {
      node.subsections = [];
      for (const s of subs) {
        const sub = this.subsection(s, pos, path);
        node.subsections.push(sub);
        pos = sub.end;
      }
    }
    node.end = pos;
  }

  private subsection(desc: JsonObject, pos: number, parentPath: string): SubsectionTree {
    const name = str(desc, "vmsd_name", parentPath, this.abs(pos));
    const version = int(desc, "version", parentPath, this.abs(pos));
    const path = `${parentPath} / ${name}`;
    const b = this.bytes;
    const start = pos;
    this.need(pos, 2, path, "subsection header");
    if (b[pos] !== QEMU_VM_SUBSECTION) {
      throw new MalformedError("MALFORMED", `expected subsection "${name}" (byte 0x05), found 0x${hex2(b[pos]!)}`, { offset: this.abs(pos), path });
    }
    const len = b[pos + 1]!;
    this.need(pos + 2, len + 4, path, "subsection header");
    const got = decodeLatin1(b.subarray(pos + 2, pos + 2 + len));
    if (got !== name) {
      throw new MalformedError("MALFORMED", `expected subsection "${printable(name)}", found "${printable(got)}"`, { offset: this.abs(pos), path });
    }
    pos += 2 + len;
    const v = readBe32(b, pos);
    if (v !== version) {
      throw new MalformedError("MALFORMED", `subsection "${name}" has version ${v}, the vmdesc says ${version}`, { offset: this.abs(pos), path });
    }
    pos += 4;
    const node: SubsectionTree = { name, type: "subsection", version: v, start, bodyStart: pos, end: pos, children: [], subsections: [] };
    this.vmsd(desc, node, path);
    node.subsections ??= [];
    return node;
  }

  private field(f: JsonValue, pos: number, parentPath: string): FieldTree {
    if (!isObject(f)) throw vmdescError("a field entry is not an object", parentPath, this.abs(pos));
    const name = str(f, "name", parentPath, this.abs(pos));
    const namePath = `${parentPath} / ${name}`;
    const type = str(f, "type", namePath, this.abs(pos));
    const size = int(f, "size", namePath, this.abs(pos));
    const arrayLen = optInt(f, "array_len", namePath, this.abs(pos));
    const index = optInt(f, "index", namePath, this.abs(pos));
    const path = index === undefined ? namePath : `${namePath}[${index}]`;
    const node: FieldTree = { name, type, start: pos, end: pos };
    if (index !== undefined) node.index = index;
    if (arrayLen !== undefined) node.arrayLen = arrayLen;
    const n = arrayLen ?? 1;
    const elemPath = (i: number): string => (arrayLen === undefined ? path : `${path}[${i}]`);

    const inner = type === "struct" ? f["struct"] : (type === "vstruct" || type === "tmp") && Array.isArray(f["fields"]) ? f : undefined;
    if (type === "struct" && !isObject(inner)) throw vmdescError("a struct field has no \"struct\" object", path, this.abs(pos));
    if (inner !== undefined && isObject(inner)) {
      node.elementSize = size;
      if (arrayLen === undefined) {
        this.vmsd(inner, node, path);
        this.checkSize(node, size, path);
        return node;
      }
      if (n > MAX_STRUCT_ELEMENTS) throw new LimitError(`struct array of ${n} elements`, { offset: this.abs(pos), path });
      node.children = [];
      for (let i = 0; i < n; i++) {
        const el: FieldTree = { name, type, start: node.end, end: node.end, index: i, elementSize: size };
        this.vmsd(inner, el, elemPath(i));
        if (i === 0) this.checkSize(el, size, elemPath(i));
        node.children.push(el);
        node.end = el.end;
      }
      return node;
    }
    if (type === "capability") {
      for (let i = 0; i < n; i++) {
        this.need(node.end, 1, elemPath(i), "capability length");
        const len = this.bytes[node.end]!;
        this.need(node.end + 1, len, elemPath(i), "capability name");
        node.end += 1 + len;
      }
      return node;
    }
    node.elementSize = size;
    const avail = this.limit - pos;
    if (n * size > avail) {
      const i = Math.floor(avail / size);
      this.need(pos + i * size, size, elemPath(i), type);
    }
    if (type === "nullptr") {
      for (let i = 0; i < n * size; i++) {
        if (this.bytes[pos + i] !== VMS_NULLPTR_MARKER) {
          throw new MalformedError("MALFORMED", `expected the NULL marker 0x30, found 0x${hex2(this.bytes[pos + i]!)}`, { offset: this.abs(pos + i), path });
        }
      }
    }
    node.end = pos + n * size;
    return node;
  }

  private checkSize(node: FieldTree, size: number, path: string): void {
    if (node.end - node.start !== size) {
      throw new MalformedError("MALFORMED", `struct takes ${node.end - node.start} bytes, the vmdesc says ${size}`, { offset: this.abs(node.start), path });
    }
  }
}

function vmdescError(detail: string, path: string, offset: number): MalformedError {
  return new MalformedError("VMDESC", `vmdesc: ${detail}`, { offset, path });
}

function str(o: JsonObject, key: string, path: string, offset: number): string {
  const v = o[key];
  if (typeof v !== "string") throw vmdescError(`entry has no string "${key}"`, path, offset);
  return v;
}

function int(o: JsonObject, key: string, path: string, offset: number): number {
  const v = optInt(o, key, path, offset);
  if (v === undefined) throw vmdescError(`entry has no "${key}"`, path, offset);
  return v;
}

function optInt(o: JsonObject, key: string, path: string, offset: number): number | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) throw vmdescError(`"${key}" is not a non-negative integer`, path, offset);
  return v;
}

function list(o: JsonObject, key: string, path: string, offset: number, optional: boolean): JsonObject[] {
  const v = o[key];
  if (v === undefined && optional) return [];
  if (!Array.isArray(v)) throw vmdescError(`entry has no "${key}" array`, path, offset);
  return v.map((e) => {
    if (!isObject(e)) throw vmdescError(`an element of "${key}" is not an object`, path, offset);
    return e;
  });
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, "0");
}
