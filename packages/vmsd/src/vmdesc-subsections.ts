/**
 * Removing a subsection from a device's vmdesc entry, as QEMU would have described the
 * section had the subsection not been sent: `migration/vmstate.c:vmstate_subsection_save`
 * writes one vmsd object per subsection it sends into the parent's `subsections` array,
 * and writes the `subsections` key only when it sent at least one (wire-format.md §7.4).
 */
import { UnsupportedError } from "@vmstate/wire";
import { rawMembers, type JsonObject } from "./json.js";
import { findDevice, isObject, type Vmdesc } from "./vmdesc-model.js";

/**
 * Removes the subsection called `name` (a vmsd name such as `cpu/wfxt-timer`, at any depth:
 * `cpu/vfp/fpcr_fpsr` sits inside `cpu/vfp`) from the entry of device `deviceName` /
 * `instanceId`. An emptied `subsections` array is removed with its key.
 * @returns whether the document changed (false when the device or subsection is not described).
 * @throws UnsupportedError when the parent object was read with repeated keys (its member
 *   list could not be edited faithfully).
 */
export function removeSubsection(doc: Vmdesc, deviceName: string, instanceId: number, name: string): boolean {
  const device = findDevice(doc, deviceName, instanceId);
  return device !== undefined && removeFrom(device, name, `vmdesc / ${deviceName} (${instanceId})`);
}

function removeFrom(parent: JsonObject, name: string, path: string): boolean {
  const subs = parent["subsections"];
  if (!Array.isArray(subs)) return false;
  const at = subs.findIndex((s) => isObject(s) && s["vmsd_name"] === name);
  if (at < 0) return subs.some((s) => isObject(s) && removeFrom(s, name, `${path} / ${String(s["vmsd_name"])}`));
  if (subs.length === 1) {
    if (rawMembers(parent) !== undefined) throw new UnsupportedError("the entry has repeated keys; its subsections cannot be edited", { path });
    delete parent["subsections"];
  } else {
    subs.splice(at, 1);
  }
  return true;
}
