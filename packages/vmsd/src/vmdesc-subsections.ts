/**
 * Removing a subsection from a device's vmdesc entry, as QEMU would have described the
 * section had the subsection not been sent: `migration/vmstate.c:vmstate_subsection_save`
 * writes one vmsd object per subsection it sends into the parent's `subsections` array,
 * and writes the `subsections` key only when it sent at least one (wire-format.md §7.4);
 * `vmsd_desc_field_end` records a struct field's `size` as the bytes its element took,
 * subsections included, so every struct that enclosed the subsection shrinks by its bytes.
 */
import { UnsupportedError } from "@vmstate/wire";
import { rawMembers, type JsonObject } from "./json.js";
import { findDevice, isObject, type Vmdesc } from "./vmdesc-model.js";

/**
 * One step from a vmsd object (the device entry, a struct's vmsd, a subsection) to one nested
 * in it, as the field tree nests them: `fields[at]`, a struct, `vstruct` or `tmp` entry
 * written as one element; or the subsection called `name` (one vmsd sends each of its
 * subsections at most once, so the name is unique among its siblings).
 */
export type VmsdStep = { kind: "field"; at: number } | { kind: "subsection"; name: string };

/**
 * Removes the subsection called `name` (a vmsd name such as `cpu/wfxt-timer`) found by
 * `route` from the entry of device `deviceName` / `instanceId`, and lowers the `size` of
 * every struct field on the route by `bytes`, the subsection's length on the wire. An
 * emptied `subsections` array is removed with its key.
 * @returns whether the document changed (false when the device, a step of the route or the
 *   subsection is not described).
 * @throws UnsupportedError when an object to edit was read with repeated keys (its member
 *   list could not be edited faithfully), or a struct's size is smaller than `bytes`.
 */
export function removeSubsection(doc: Vmdesc, deviceName: string, instanceId: number, route: readonly VmsdStep[], name: string, bytes: number): boolean {
  const device = findDevice(doc, deviceName, instanceId);
  if (device === undefined) return false;
  let path = `vmdesc / ${deviceName} (${instanceId})`;
  let vmsd: JsonObject = device;
  const structs: JsonObject[] = [];
  for (const step of route) {
    if (step.kind === "field") {
      const f = structField(vmsd, step.at);
      if (f === undefined) return false;
      structs.push(f.entry);
      path = `${path} / ${String(f.entry["name"])}`;
      vmsd = f.vmsd;
    } else {
      const s = subsection(vmsd, step.name);
      if (s === undefined) return false;
      path = `${path} / ${step.name}`;
      vmsd = s;
    }
  }
  const subs = vmsd["subsections"];
  const at = Array.isArray(subs) ? subs.findIndex((s) => isObject(s) && s["vmsd_name"] === name) : -1;
  if (at < 0 || !Array.isArray(subs)) return false;
  for (const entry of structs) {
    const size = entry["size"];
    if (rawMembers(entry) !== undefined) throw new UnsupportedError("a struct entry has repeated keys; its size cannot be edited", { path });
    if (typeof size !== "number" || size < bytes) throw new UnsupportedError(`a struct entry's size (${String(size)}) cannot lose ${bytes} bytes`, { path });
  }
  if (subs.length === 1 && rawMembers(vmsd) !== undefined) throw new UnsupportedError("the entry has repeated keys; its subsections cannot be edited", { path });
  for (const entry of structs) entry["size"] = (entry["size"] as number) - bytes;
  if (subs.length === 1) delete vmsd["subsections"];
  else subs.splice(at, 1);
  return true;
}

/** `fields[at]` when it is a struct-like entry: the entry and the vmsd its element follows. */
function structField(vmsd: JsonObject, at: number): { entry: JsonObject; vmsd: JsonObject } | undefined {
  const fields = vmsd["fields"];
  const entry = Array.isArray(fields) ? fields[at] : undefined;
  if (!isObject(entry)) return undefined;
  // A `struct` names its vmsd under "struct"; `vstruct` and `tmp` carry its keys inline.
  const inner = entry["type"] === "struct" ? entry["struct"] : entry;
  return isObject(inner) && Array.isArray(inner["fields"]) ? { entry, vmsd: inner } : undefined;
}

function subsection(vmsd: JsonObject, name: string): JsonObject | undefined {
  const subs = vmsd["subsections"];
  const found = Array.isArray(subs) ? subs.find((s) => isObject(s) && s["vmsd_name"] === name) : undefined;
  return isObject(found) ? found : undefined;
}
