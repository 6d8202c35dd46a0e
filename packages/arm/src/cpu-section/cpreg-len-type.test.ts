import { describe, expect, it } from "vitest";
import { cpregLenType } from "./cpreg-len-type.js";

/** ID_AA64ISAR2_EL1 as QEMU 11.1 lists it for `-cpu max` (WFxT = 2) and cortex-a57 (0). */
const MAX_ISAR2 = 0x1120000000110012n;

describe("cpregLenType", () => {
  it("names field 13 int32 when the section carries cpu/fpmr", () => {
    expect(cpregLenType(["cpu/vfp", "cpu/sve", "cpu/irq-line-state", "cpu/wfxt-timer", "cpu/fpmr"], MAX_ISAR2)).toBe("int32");
  });

  it("names it int32 when a CPU without FEAT_WFxT sends cpu/wfxt-timer (11.x only)", () => {
    expect(cpregLenType(["cpu/vfp", "cpu/irq-line-state", "cpu/wfxt-timer"], 0n)).toBe("int32");
    expect(cpregLenType(["cpu/vfp", "cpu/irq-line-state", "cpu/wfxt-timer"], undefined)).toBe("int32");
  });

  it("keeps int32 le when the section could come from 7.2 … 10.x", () => {
    expect(cpregLenType(["cpu/vfp", "cpu/sve", "cpu/irq-line-state", "cpu/wfxt-timer"], 0x110012n)).toBe("int32 le");
    expect(cpregLenType(["cpu/vfp", "cpu/irq-line-state"], 0n)).toBe("int32 le");
    expect(cpregLenType([], undefined)).toBe("int32 le");
  });
});
