/**
 * Edits of a parsed vmdesc that keep it as QEMU itself would have written it for the edited
 * stream. The rules are those of `migration/vmstate.c:vmsd_desc_field_start` and
 * `vmstate_save_state_v`: a compressible array of N ≥ 2 elements is one entry with
 * `"array_len": N` right after `name`; a one-element array is an entry without
 * `array_len` (it looks scalar); a zero-element array has no entry at all, since the save
 * loop never runs.
 */
import { MalformedError, UnsupportedError } from "@vmstate/wire";
import type { JsonObject, JsonValue } from "./json.js";
import { findDevice, isObject, type FieldDesc, type Vmdesc } from "./vmdesc-model.js";

/** Where and how to create a field entry that is absent because its array was empty. */
export interface NewFieldTemplate {
  /** Names of fields to insert after, tried in order (the first present one wins). */
  after: string[];
  type: string;
  size: number;
}

/**
 * Sets the described element count of the compressed array `fieldName` (a top-level field
 * of device `deviceName`/`instanceId`) to `n`, handling the transitions between the three
 * forms (N ≥ 2, 1, 0) in both directions, with QEMU's key order `name, array_len, type, …`.
 * @param template needed only to re-create an entry that is absent (count 0): the device's
 *   own schema knows where it goes, this generic edit does not. Pass `undefined` when the
 *   field can never have been empty.
 * @returns whether the document changed.
 * @throws MalformedError code `VMDESC` if the device is not described.
 * @throws UnsupportedError if the field is described element by element (`index`), split
 *   into several entries, or absent with no template to re-create it.
 */
export function setArrayLen(
  doc: Vmdesc,
  deviceName: string,
  instanceId: number,
  fieldName: string,
  n: number,
  template: NewFieldTemplate | undefined,
): boolean {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`array length ${n} is not a non-negative integer`);
  const path = `vmdesc / ${deviceName} (${instanceId}) / ${fieldName}`;
  const device = findDevice(doc, deviceName, instanceId);
  if (device === undefined || !Array.isArray(device.fields)) {
    throw new MalformedError("VMDESC", `the vmdesc describes no device "${deviceName}" instance ${instanceId}`, { path });
  }
  const fields: JsonValue[] = device.fields;
  const at: number[] = [];
  fields.forEach((x, i) => {
    if (isObject(x) && x["name"] === fieldName) at.push(i);
  });
  if (at.length > 1) throw new UnsupportedError(`field is described by ${at.length} entries, not one compressed array`, { path });

  if (at.length === 0) {
    if (n === 0) return false;
    if (template === undefined) throw new UnsupportedError("field is not described (empty array) and there is no template to describe it", { path });
    const anchor = template.after.map((a) => fields.findIndex((x) => isObject(x) && x["name"] === a)).find((i) => i >= 0);
    if (anchor === undefined) throw new UnsupportedError(`none of the fields ${template.after.join(", ")} to insert after is described`, { path });
    const entry: FieldDesc = n > 1 ? { name: fieldName, array_len: n, type: template.type, size: template.size } : { name: fieldName, type: template.type, size: template.size };
    fields.splice(anchor + 1, 0, entry);
    return true;
  }

  const i = at[0]!;
  const old = fields[i] as JsonObject;
  if (old["index"] !== undefined) throw new UnsupportedError("field is described element by element (\"index\")", { path });
  const current = old["array_len"] ?? 1;
  if (current === n) return false;
  if (n === 0) {
    fields.splice(i, 1);
    return true;
  }
  const entry: JsonObject = {};
  for (const [k, v] of Object.entries(old)) {
    if (k === "array_len") continue;
    entry[k] = v;
    if (k === "name" && n > 1) entry["array_len"] = n;
  }
  fields[i] = entry;
  return true;
}
