/**
 * The vmdesc document: the JSON trailer QEMU writes after `QEMU_VM_EOF` describing every
 * FULL device section of the stream (`migration/savevm.c:qemu_savevm_state_complete_precopy_non_iterable`,
 * `migration/vmstate.c:vmstate_save_state_v`, `vmsd_desc_field_start`/`_end`).
 *
 * The types name the keys QEMU writes, in the order it writes them. Parsed documents are
 * plain JSON objects (see `json.ts`): unknown keys are kept, key order is kept, and the
 * walker validates the keys it uses when it uses them, so a strange entry for one device
 * never prevents reading the others.
 */
import { LimitError, MalformedError } from "@vmstate/wire";
import { parseJson, serializeJson, type JsonObject, type JsonValue } from "./json.js";

/**
 * A vmsd object (`vmstate_save_state_v`): the contents of a device, of a `struct` field or
 * of a subsection. Keys in order: `vmsd_name`, `version`, `fields`, `subsections` (the
 * latter only when at least one subsection was sent, `vmstate_subsection_save`).
 */
export interface VmsdDesc extends JsonObject {
  vmsd_name: string;
  version: number;
  fields: FieldDesc[];
  subsections?: VmsdDesc[];
}

/**
 * A field object (`vmsd_desc_field_start`/`_end`). Keys in order: `name`, then `array_len`
 * (compressed array of N ≥ 2 elements) or `index` (one element of an uncompressed array),
 * `type`, `struct` (type `struct` only), `size` (bytes written for one element). For
 * `vstruct` and `tmp` fields the child vmsd's keys (`vmsd_name`, `version`, `fields`,
 * `subsections`) appear inline between `type` and `size`.
 */
export interface FieldDesc extends JsonObject {
  name: string;
  array_len?: number;
  index?: number;
  type: string;
  struct?: VmsdDesc;
  vmsd_name?: string;
  version?: number;
  fields?: FieldDesc[];
  subsections?: VmsdDesc[];
  size: number;
}

/**
 * A device object: one per FULL section, in stream order (`savevm.c:vmstate_save`). Keys:
 * `name` (idstr), `instance_id`, then either the vmsd keys, or for old-style handlers
 * without a vmsd (`savevm.c:vmstate_save_old_style`) `size` and a single `buffer` field
 * named `data`.
 */
export interface DeviceDesc extends JsonObject {
  name: string;
  instance_id: number;
  vmsd_name?: string;
  version?: number;
  size?: number;
  fields: FieldDesc[];
  subsections?: VmsdDesc[];
}

/**
 * The whole trailer. `configuration` exists from QEMU 8.2 (commit 2aae1eb8da).
 */
export interface Vmdesc extends JsonObject {
  configuration?: VmsdDesc;
  page_size: number;
  devices: DeviceDesc[];
}

/** Options for {@link parseVmdesc}. */
export interface ParseVmdescOptions {
  /** Absolute offset of the first JSON byte in the input, for error offsets. */
  base?: number;
}

/**
 * The budget a vmdesc is parsed within, so that memory stays bounded whatever the input
 * (README, "Hostile input"): the largest vmdesc of our samples is 99 KB with 6,704 values;
 * a guest with hundreds of devices stays well within both caps. The value cap is what bounds
 * the parsed tree (tens of bytes per value); the byte cap, the text held beside it.
 */
export const MAX_VMDESC_BYTES = 16 << 20;
/** Most JSON values (scalars and containers) a vmdesc may hold; see {@link MAX_VMDESC_BYTES}. */
export const MAX_VMDESC_VALUES = 200_000;

function mib(n: number): string {
  return `${(n / 1048576).toFixed(1)} MiB`;
}

/** The refusal of a vmdesc of `length` bytes of JSON, beyond {@link MAX_VMDESC_BYTES}; `offset`: its 0x06 byte. */
export function vmdescTooLarge(length: number, offset: number): LimitError {
  return new LimitError(`the vmdesc is ${mib(length)} of JSON, more than the ${mib(MAX_VMDESC_BYTES)} vmstate reads (QEMU's are under 1 MiB)`, { offset, path: "vmdesc" });
}

/**
 * Parses the vmdesc JSON (the bytes after `06 <be32 len>`), keeping key order.
 * Checks only the outline: an object with a `devices` array of objects, each having a
 * string `name` and an integer `instance_id`.
 * @throws MalformedError code `VMDESC` on bad JSON or a wrong outline.
 * @throws LimitError for a vmdesc beyond {@link MAX_VMDESC_BYTES} or {@link MAX_VMDESC_VALUES}.
 */
export function parseVmdesc(bytes: Uint8Array, options: ParseVmdescOptions = {}): Vmdesc {
  const base = options.base ?? 0;
  if (bytes.length > MAX_VMDESC_BYTES) throw vmdescTooLarge(bytes.length, base);
  const doc = parseJson(bytes, { base, path: "vmdesc", maxValues: MAX_VMDESC_VALUES });
  const bad = (detail: string): never => {
    throw new MalformedError("VMDESC", detail, { offset: base, path: "vmdesc" });
  };
  if (!isObject(doc)) return bad("the vmdesc is not a JSON object");
  const devices = doc["devices"];
  if (!Array.isArray(devices)) return bad("the vmdesc has no \"devices\" array");
  devices.forEach((d, i) => {
    if (!isObject(d)) bad(`devices[${i}] is not an object`);
    else if (typeof d["name"] !== "string") bad(`devices[${i}] has no string "name"`);
    else if (!Number.isSafeInteger(d["instance_id"])) bad(`devices[${i}] ("${d["name"]}") has no integer "instance_id"`);
  });
  return doc as Vmdesc;
}

/**
 * Writes the document in QEMU's compact JSON-writer form (`qobject/json-writer.c`); for a
 * document parsed from QEMU's own output and not changed, the text is identical.
 */
export function serializeVmdesc(doc: Vmdesc): string {
  return serializeJson(doc);
}

/** {@link serializeVmdesc} as bytes (always ASCII: QEMU escapes everything else). */
export function serializeVmdescBytes(doc: Vmdesc): Uint8Array {
  return new TextEncoder().encode(serializeVmdesc(doc));
}

/** The device object for a FULL section, matched by idstr and instance id. */
export function findDevice(doc: Vmdesc, name: string, instanceId: number): DeviceDesc | undefined {
  return doc.devices.find((d) => d.name === name && d.instance_id === instanceId);
}

/** True for an old-style device (no vmsd; a single `data` buffer of `size` bytes). */
export function isOldStyleDevice(device: DeviceDesc): boolean {
  return device.vmsd_name === undefined && device.size !== undefined;
}

/** True for a JSON object (not an array, not null). */
export function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
