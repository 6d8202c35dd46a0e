import { describe, expect, it } from "vitest";
import { qemuCpregKey } from "./qemu-cpreg-key.js";

// Expected keys as QEMU 11.1 printed them for these ids of real streams
// ("system register 0x… expected by the destination but not in the incoming stream").
describe("qemuCpregKey", () => {
  it.each([
    [0x6030000000138002n, 0x10138002], // OSDTRRX_EL1
    [0x603000000013c602n, 0x1013c602], // RMR_EL1
    [0x40200000200e0002n, 0x200e0002], // DBGDTRRXext
    [0x40200000200f3a00n, 0x200f3a00], // PAR (32-bit view)
  ])("%s → %s", (id, key) => {
    expect(qemuCpregKey(id).toString(16)).toBe(key.toString(16));
  });

  it("sets the non-secure bit on AArch32 ids and bit 15 on 64-bit ones", () => {
    expect(qemuCpregKey(0x40200000000f6800n).toString(16)).toBe("200f6800");
    expect(qemuCpregKey(0x40300000000f0270n).toString(16)).toBe("200f8270");
  });
});
