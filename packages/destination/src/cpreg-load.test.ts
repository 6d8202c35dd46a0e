import { describe, expect, it } from "vitest";
import { replayCpregLoad } from "./cpreg-load.js";

const constant = (id: bigint) => id === 0x20n || id === 0x40n;
const never = () => false;
const ids = (rs: readonly { id: bigint }[]) => rs.map((r) => r.id);

describe("replayCpregLoad", () => {
  const dest = { indexes: [0x10n, 0x20n, 0x30n, 0x40n], values: [1n, 2n, 3n, 4n] };

  it("up to 10.2: an unknown id the walk meets fails; ids past the destination's last are never looked at", () => {
    const src = { indexes: [0x10n, 0x15n, 0x20n, 0x30n, 0x40n, 0x50n], values: [1n, 9n, 2n, 3n, 4n, 9n] };
    const r = replayCpregLoad(src, dest, "stop-at-first-unknown", constant, never);
    expect(ids(r.unknown)).toEqual([0x15n]);
    expect(ids(r.unreached)).toEqual([0x50n]);
    expect(r.printed).toEqual([]);
  });

  it("writes 0 for what the stream lacks: a constant with another value fails the read-back, a writable one does not", () => {
    const src = { indexes: [0x10n, 0x30n], values: [7n, 3n] };
    const r = replayCpregLoad(src, dest, "stop-at-first-unknown", constant, never);
    expect(ids(r.missing)).toEqual([0x20n, 0x40n]);
    expect(r.readBack).toEqual([
      { id: 0x20n, written: 0n, own: 2n, inStream: false },
      { id: 0x40n, written: 0n, own: 4n, inStream: false },
    ]);
  });

  it("a constant with another value in the stream fails the read-back", () => {
    const src = { indexes: [0x10n, 0x20n, 0x30n, 0x40n], values: [1n, 5n, 3n, 4n] };
    expect(replayCpregLoad(src, dest, "stop-at-first-unknown", constant, never).readBack).toEqual([{ id: 0x20n, written: 5n, own: 2n, inStream: true }]);
  });

  it("11.x: walks both lists whole and prints a line for each one-sided id in id order, with QEMU's 32-bit key", () => {
    const d = { indexes: [0x6030000000138002n, 0x603000000013c602n], values: [0n, 1n] };
    const src = { indexes: [0x40200000200f3a00n, 0x603000000013c602n, 0x6030000000160003n], values: [0n, 1n, 0n] };
    const r = replayCpregLoad(src, d, "report-all", never, never);
    expect(ids(r.unknown)).toEqual([0x40200000200f3a00n, 0x6030000000160003n]);
    expect(r.printed).toEqual([
      "handle_cpreg_only_in_incoming_stream: system register 0x200f3a00 in the incoming stream but unknown on the destination: fail migration",
      "warning: handle_cpreg_missing_in_incoming_stream: system register 0x10138002 expected by the destination but not in the incoming stream: skip it",
      "handle_cpreg_only_in_incoming_stream: system register 0x10160003 in the incoming stream but unknown on the destination: fail migration",
    ]);
  });

  it("11.x: a tolerated stream-only id passes without a word", () => {
    const d = { indexes: [0x10n], values: [1n] };
    const src = { indexes: [0x10n, 0x6030000000160003n], values: [1n, 0n] };
    const r = replayCpregLoad(src, d, "report-all", never, (id, v) => id === 0x6030000000160003n && v === 0n);
    expect(r.unknown).toEqual([]);
    expect(ids(r.unreached)).toEqual([0x6030000000160003n]);
    expect(r.printed).toEqual([]);
  });
});
