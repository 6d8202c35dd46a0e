import { describe, expect, it } from "vitest";
import { removeSubsection, type VmsdStep } from "./vmdesc-subsections.js";
import { parseVmdesc, serializeVmdesc } from "./vmdesc-model.js";

const VFP = '{"vmsd_name": "cpu/vfp", "version": 3, "fields": [{"name": "fpscr", "type": "fpscr", "size": 4}], ' +
  '"subsections": [{"vmsd_name": "cpu/vfp/fpcr_fpsr", "version": 1, "fields": [{"name": "fpcr", "type": "fpcr", "size": 8}]}]}';
const IRQ = '{"vmsd_name": "cpu/irq-line-state", "version": 1, "fields": [{"name": "env.irq_line_state", "type": "uint32", "size": 4}]}';
const WFXT = '{"vmsd_name": "cpu/wfxt-timer", "version": 1, "fields": [{"name": "wfxt_timer", "type": "timer", "size": 8}]}';
const cpu = (instance: number, subs: string[]): string =>
  `{"name": "cpu", "instance_id": ${instance}, "vmsd_name": "cpu", "version": 22, "fields": [{"name": "x", "type": "uint8", "size": 1}]` +
  (subs.length > 0 ? `, "subsections": [${subs.join(", ")}]}` : "}");
const doc = (devices: string[]): string => `{"page_size": 4096, "devices": [${devices.join(", ")}]}`;

function remove(text: string, instance: number, name: string, route: VmsdStep[] = [], bytes = 0, device = "cpu"): { text: string; changed: boolean } {
  const d = parseVmdesc(new TextEncoder().encode(text));
  const changed = removeSubsection(d, device, instance, route, name, bytes);
  return { text: serializeVmdesc(d), changed };
}

describe("removeSubsection", () => {
  it("removes one subsection from the middle, and only from the instance named", () => {
    const r = remove(doc([cpu(0, [VFP, WFXT, IRQ]), cpu(1, [VFP, WFXT, IRQ])]), 1, "cpu/wfxt-timer");
    expect(r.changed).toBe(true);
    expect(r.text).toBe(doc([cpu(0, [VFP, WFXT, IRQ]), cpu(1, [VFP, IRQ])]));
  });

  it("removes the key with the last subsection, as QEMU writes a section without any", () => {
    expect(remove(doc([cpu(0, [WFXT])]), 0, "cpu/wfxt-timer").text).toBe(doc([cpu(0, [])]));
  });

  it("follows the route into a subsection", () => {
    const vfpAlone = VFP.replace(/, "subsections": \[.*\]\}$/, "}");
    expect(remove(doc([cpu(0, [VFP, IRQ])]), 0, "cpu/vfp/fpcr_fpsr", [{ kind: "subsection", name: "cpu/vfp" }]).text).toBe(doc([cpu(0, [vfpAlone, IRQ])]));
    expect(remove(doc([cpu(0, [VFP, IRQ])]), 0, "cpu/vfp/fpcr_fpsr").changed).toBe(false);
  });

  it("follows the route into struct fields and lowers the size of each struct on it", () => {
    // The shape of QEMU 7.2's q35 ICH9LPC: ich9_pm/tco inside the pm struct, inside a vstruct here too.
    const TCO = '{"vmsd_name": "ich9_pm/tco", "version": 1, "fields": [{"name": "tco_regs", "type": "struct", "struct": {"vmsd_name": "tco io device status", "version": 1, "fields": [{"name": "x", "type": "uint8", "size": 1}]}, "size": 1}]}';
    const MEMHP = '{"vmsd_name": "ich9_pm/memhp", "version": 1, "fields": [{"name": "y", "type": "uint8", "size": 1}]}';
    const pm = (subs: string[], size: number) =>
      `{"name": "pm", "type": "struct", "struct": {"vmsd_name": "ich9_pm", "version": 1, "fields": [{"name": "z", "type": "uint8", "size": 1}]` +
      (subs.length > 0 ? `, "subsections": [${subs.join(", ")}]}` : "}") + `, "size": ${size}}`;
    const lpc = (size: number, inner: string) =>
      `{"name": "ICH9LPC", "instance_id": 0, "vmsd_name": "ICH9LPC", "version": 1, "fields": [{"name": "a", "type": "uint8", "size": 1}, ` +
      `{"name": "wrap", "type": "vstruct", "vmsd_name": "w", "version": 1, "fields": [${inner}], "size": ${size}}]}`;
    const route: VmsdStep[] = [{ kind: "field", at: 1 }, { kind: "field", at: 0 }];
    const before = doc([lpc(40, pm([MEMHP, TCO], 39))]);
    const r = remove(before, 0, "ich9_pm/tco", route, 12, "ICH9LPC");
    expect(r).toEqual({ text: doc([lpc(28, pm([MEMHP], 27))]), changed: true });
    expect(remove(doc([lpc(28, pm([MEMHP], 27))]), 0, "ich9_pm/memhp", route, 7, "ICH9LPC").text).toBe(doc([lpc(21, pm([], 20))]));
    // A route that does not lead to a struct, or a struct too small for the bytes, changes nothing or is refused.
    expect(remove(before, 0, "ich9_pm/tco", [{ kind: "field", at: 0 }], 12, "ICH9LPC")).toEqual({ text: before, changed: false });
    expect(() => remove(before, 0, "ich9_pm/tco", route, 50, "ICH9LPC")).toThrow(/size \(40\) cannot lose 50 bytes/);
  });

  it("reports an absent subsection or device as no change", () => {
    const text = doc([cpu(0, [VFP, IRQ])]);
    expect(remove(text, 0, "cpu/wfxt-timer")).toEqual({ text, changed: false });
    expect(remove(text, 3, "cpu/vfp")).toEqual({ text, changed: false });
  });
});
