import { describe, expect, it } from "vitest";
import { LimitError, MalformedError, TruncatedError, UnsupportedError } from "@vmstate/wire";
import { findField, findSubsection, parseVmdesc, readScalar, readUint64Array, walkSection, type DeviceDesc } from "@vmstate/vmsd";
import { walkArmCpu } from "./schema.js";

const be32 = (v: number): number[] => [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
const be64 = (v: bigint): number[] => Array.from({ length: 8 }, (_, i) => Number((v >> BigInt(56 - 8 * i)) & 255n));
const fill = (n: number, seed: number): number[] => Array.from({ length: n }, (_, i) => (i * 7 + seed) & 255);
const subHeader = (name: string, version: number): number[] => [0x05, name.length, ...[...name].map((c) => c.charCodeAt(0)), ...be32(version)];

interface Opts { n: number; fpcrFpsr?: boolean; extra?: number[] }

/** An Arm cpu section laid out as wire-format.md §12.2/§12.3 says. */
function cpuSection({ n, fpcrFpsr = false, extra = [] }: Opts): { bytes: Uint8Array; fixedEnd: number } {
  const ids = Array.from({ length: n }, (_, i) => 0x6030000000130000n + BigInt(i));
  const head = [
    ...fill(64, 1), ...fill(256, 2), ...fill(8, 3), 0x40, 0x00, 0x03, 0xc5, ...fill(4, 4), ...fill(64, 5), ...fill(32, 6),
    ...fill(32, 7), ...fill(20, 8), ...fill(20, 9), ...fill(32, 10), ...fill(32, 11), ...be32(n),
    ...ids.flatMap(be64), ...ids.flatMap((id) => be64(id ^ 0xffn)),
    ...fill(24, 12), ...Array(8).fill(0), ...fill(16, 13), ...be64(0xffffffffffffffffn), ...be64(5n), 0,
  ];
  expect(head.length).toBe(637 + 16 * n);
  const vfp = [...subHeader("cpu/vfp", 3), ...fill(576, 14), ...(fpcrFpsr ? [...subHeader("cpu/vfp/fpcr_fpsr", 1), ...fill(16, 15)] : [])];
  const irq = [...subHeader("cpu/irq-line-state", 1), ...be32(2)];
  return { bytes: Uint8Array.from([...head, ...vfp, ...extra, ...irq]), fixedEnd: head.length };
}

/** The vmdesc QEMU 10.x would write for the same section. */
function cpuVmdesc({ n, fpcrFpsr = false }: Opts): DeviceDesc {
  const fld = (name: string, type: string, size: number, len = 1): string =>
    `{"name": "${name}", ${len > 1 ? `"array_len": ${len}, ` : ""}"type": "${type}", "size": ${size}}`;
  const top = [
    fld("env.regs", "uint32", 4, 16), fld("env.xregs", "uint64", 8, 32), fld("env.pc", "uint64", 8), fld("cpsr", "cpsr", 4),
    fld("env.spsr", "uint32", 4), fld("env.banked_spsr", "uint64", 8, 8), fld("env.banked_r13", "uint32", 4, 8),
    fld("env.banked_r14", "uint32", 4, 8), fld("env.usr_regs", "uint32", 4, 5), fld("env.fiq_regs", "uint32", 4, 5),
    fld("env.elr_el", "uint64", 8, 4), fld("env.sp_el", "uint64", 8, 4), fld("cpreg_vmstate_array_len", "int32 le", 4),
    ...(n > 0 ? [fld("cpreg_vmstate_indexes", "uint64", 8, n), fld("cpreg_vmstate_values", "uint64", 8, n)] : []),
    fld("env.exclusive_addr", "uint64", 8), fld("env.exclusive_val", "uint64", 8), fld("env.exclusive_high", "uint64", 8),
    fld("unused", "unused_buffer", 8), fld("env.exception.syndrome", "uint32", 4), fld("env.exception.fsr", "uint32", 4),
    fld("env.exception.vaddress", "uint64", 8), fld("gt_timer[GTIMER_PHYS]", "timer", 8), fld("gt_timer[GTIMER_VIRT]", "timer", 8),
    fld("power_state", "powered_off", 1),
  ];
  const vfpFields = [
    ...Array.from({ length: 32 }, (_, i) => fld(`env.vfp.zregs[${i}].d`, "uint64", 8, 2)),
    fld("env.vfp.xregs[0]", "uint32", 4), fld("env.vfp.xregs", "uint32", 4, 14), fld("fpscr", "fpscr", 4),
  ];
  const nested = fpcrFpsr ? `, "subsections": [{"vmsd_name": "cpu/vfp/fpcr_fpsr", "version": 1, "fields": [${fld("fpcr", "fpcr", 8)}, ${fld("fpsr", "fpsr", 8)}]}]` : "";
  const json =
    `{"page_size": 4096, "devices": [{"name": "cpu", "instance_id": 1, "vmsd_name": "cpu", "version": 22, "fields": [${top.join(", ")}], ` +
    `"subsections": [{"vmsd_name": "cpu/vfp", "version": 3, "fields": [${vfpFields.join(", ")}]${nested}}, ` +
    `{"vmsd_name": "cpu/irq-line-state", "version": 1, "fields": [${fld("env.irq_line_state", "uint32", 4)}]}]}]}`;
  return parseVmdesc(new TextEncoder().encode(json)).devices[0]!;
}

const OPTS = { base: 0x1000, path: "cpu (1)", instanceId: 1 };

describe("walkArmCpu", () => {
  for (const opts of [{ n: 3 }, { n: 3, fpcrFpsr: true }, { n: 1 }, { n: 0 }]) {
    it(`gives the same tree as a vmdesc walk (${JSON.stringify(opts)})`, () => {
      const { bytes } = cpuSection(opts);
      const framed = Uint8Array.from([...bytes, 0x7e, 0, 0, 0, 6]);
      const bySchema = walkArmCpu(framed, 0, OPTS);
      const byVmdesc = walkSection(cpuVmdesc(opts), framed, 0, OPTS);
      expect(bySchema).toEqual(byVmdesc);
      expect(bySchema.end).toBe(bytes.length);
    });
  }

  it("exposes the cpreg arrays and subsections", () => {
    const { bytes, fixedEnd } = cpuSection({ n: 3 });
    const { node } = walkArmCpu(Uint8Array.from([...bytes, 0x7e]), 0, OPTS);
    expect(readScalar(bytes, findField(node, "cpreg_vmstate_array_len")!)).toBe(3);
    const idx = findField(node, "cpreg_vmstate_indexes")!;
    expect(idx).toMatchObject({ start: 572, end: 596, arrayLen: 3, elementSize: 8 });
    expect(readUint64Array(bytes, idx)).toEqual([0x6030000000130000n, 0x6030000000130001n, 0x6030000000130002n]);
    expect(findField(node, "power_state")).toMatchObject({ end: fixedEnd });
    expect(findSubsection(node, "cpu/vfp")).toMatchObject({ start: fixedEnd, bodyStart: fixedEnd + 13, end: fixedEnd + 13 + 576 });
    expect(readScalar(bytes, findSubsection(node, "cpu/irq-line-state")!.children[0]!)).toBe(2);
  });

  it("throws the same TruncatedError as the vmdesc walk for a cut at every byte", () => {
    const opts = { n: 3, fpcrFpsr: true };
    const { bytes } = cpuSection(opts);
    const desc = cpuVmdesc(opts);
    for (let k = 0; k < bytes.length; k++) {
      const cut = bytes.subarray(0, k);
      let expected: unknown;
      try {
        walkSection(desc, cut, 0, OPTS);
      } catch (e) {
        expected = e;
      }
      let actual: unknown;
      try {
        walkArmCpu(cut, 0, OPTS);
      } catch (e) {
        actual = e;
      }
      expect(actual, `cut at ${k}`).toBeInstanceOf(TruncatedError);
      expect((actual as TruncatedError).offset, `cut at ${k}`).toBe((expected as TruncatedError).offset);
    }
  });

  it("cannot tell the end when the input stops right after the last subsection", () => {
    const { bytes } = cpuSection({ n: 3 });
    expect(() => walkArmCpu(bytes, 0, OPTS)).toThrow(TruncatedError);
    expect(() => walkArmCpu(bytes, 0, OPTS)).toThrow(`at offset 0x${(0x1000 + bytes.length).toString(16)}`);
  });

  it("refuses property-dependent, unknown and re-versioned subsections", () => {
    const pmsa = cpuSection({ n: 3, extra: subHeader("cpu/pmsav7", 1) }).bytes;
    expect(() => walkArmCpu(pmsa, 0, OPTS)).toThrow(UnsupportedError);
    expect(() => walkArmCpu(pmsa, 0, OPTS)).toThrow(/cpu\/pmsav7.*pmsav7_dregion/);
    const unknown = cpuSection({ n: 3, extra: subHeader("cpu/future", 1) }).bytes;
    expect(() => walkArmCpu(unknown, 0, OPTS)).toThrow(/"cpu\/future" of "cpu" is not known/);
    const bad = cpuSection({ n: 3 }).bytes;
    bad[637 + 48 + 12] = 4; // cpu/vfp version 3 -> 4
    expect(() => walkArmCpu(bad, 0, OPTS)).toThrow(/version 4 is not known/);
  });

  it("walks cpu/wfxt-timer and cpu/fpmr, and then names field 13 as 11.x does", () => {
    const timer = [...subHeader("cpu/wfxt-timer", 1), ...be64(0xffffffffffffffffn)];
    const fpmr = [...subHeader("cpu/fpmr", 1), ...be64(0x1234n)];
    const { bytes } = cpuSection({ n: 2 });
    const framed = Uint8Array.from([...bytes, ...timer, ...fpmr, 0x7e]);
    const { node, end } = walkArmCpu(framed, 0, OPTS);
    expect(end).toBe(framed.length - 1);
    expect(node.subsections!.map((s) => s.name)).toEqual(["cpu/vfp", "cpu/irq-line-state", "cpu/wfxt-timer", "cpu/fpmr"]);
    expect(readScalar(framed, findSubsection(node, "cpu/fpmr")!.children[0]!)).toBe(0x1234n);
    expect(findField(node, "cpreg_vmstate_array_len")!.type).toBe("int32");
    expect(findField(walkArmCpu(Uint8Array.from([...bytes, 0x7e]), 0, OPTS).node, "cpreg_vmstate_array_len")!.type).toBe("int32 le");
  });

  it("refuses another section version", () => {
    expect(() => walkArmCpu(cpuSection({ n: 1 }).bytes, 0, { ...OPTS, version: 12 })).toThrow(/knows version 22, not 12/);
  });

  it("checks cpreg_vmstate_array_len before allocating", () => {
    const { bytes } = cpuSection({ n: 0 });
    bytes.set(be32(0x80000000), 568);
    expect(() => walkArmCpu(bytes, 0, OPTS)).toThrow(MalformedError);
    bytes.set(be32(65537), 568);
    expect(() => walkArmCpu(bytes, 0, OPTS)).toThrow(LimitError);
    expect(() => walkArmCpu(bytes, 0, OPTS)).toThrow(expect.objectContaining({ offset: 0x1000 + 568, path: "cpu (1) / cpreg_vmstate_array_len" }));
  });
});
