import { describe, expect, it } from "vitest";
import { formatInt, formatLeaf } from "./analyze-values.js";
import { gatherField, pythonJson, pythonQuote, type PyDict, type PyValue } from "./python-json.js";

describe("Python json.dumps(indent=4, separators=(',', ': ')) text", () => {
  it("lays out nested containers like Python", () => {
    const doc: PyDict = new Map<string, PyValue>([
      ["a (1)", new Map<string, PyValue>([["x", "0x01"], ["list", ["a", "b"]]])],
      ["empty", new Map()],
      ["none", []],
      ["flag", true],
    ]);
    expect(pythonJson(doc)).toBe(
      '{\n    "a (1)": {\n        "x": "0x01",\n        "list": [\n            "a",\n            "b"\n        ]\n    },\n    "empty": {},\n    "none": [],\n    "flag": true\n}',
    );
  });

  it("escapes as ensure_ascii does: short escapes, lowercase \\u, DEL and non-ASCII, surrogate pairs", () => {
    expect(pythonQuote('a"b\\c\n\t\b\f\r')).toBe('"a\\"b\\\\c\\n\\t\\b\\f\\r"');
    expect(pythonQuote("\x01\x1f\x7f")).toBe('"\\u0001\\u001f\\u007f"');
    expect(pythonQuote("é€😀")).toBe('"\\u00e9\\u20ac\\ud83d\\ude00"');
    expect(pythonQuote("plain ~ text")).toBe('"plain ~ text"');
  });

  it("keeps integer-like keys in insertion order (a JS object would not)", () => {
    expect(pythonJson(new Map([["2", "b"], ["1", "a"]]))).toBe('{\n    "2": "b",\n    "1": "a"\n}');
  });

  it("gathers repeated names into lists as VMSDFieldStruct.read does", () => {
    const d: PyDict = new Map();
    gatherField(d, "one", "x");
    gatherField(d, "arr", "a");
    gatherField(d, "arr", "b");
    gatherField(d, "arr", "c");
    expect([...d]).toEqual([["one", "x"], ["arr", ["a", "b", "c"]]]);
  });
});

describe("analyze-migration.py leaf formats", () => {
  const b = (...x: number[]) => Uint8Array.from(x);
  it("pads hex to the described size and adds the signed value when negative", () => {
    expect(formatInt(b(0, 0, 1, 2), false)).toBe("0x00000102");
    expect(formatInt(b(0xff, 0xff, 0xff, 0xfe), true)).toBe("0xfffffffe (-2)");
    expect(formatInt(b(0xff, 0xff, 0xff, 0xfe), false)).toBe("0xfffffffe");
    expect(formatInt(b(0x80, 0, 0, 0, 0, 0, 0, 0), true)).toBe("0x8000000000000000 (-9223372036854775808)");
  });

  it("formats by the script's reader table", () => {
    expect(formatLeaf("int32 le", b(0, 0, 1, 2))).toBe("0x00000102");
    expect(formatLeaf("uint8 equal", b(0xff))).toBe("0xff (-1)");
    expect(formatLeaf("uint32 equal", b(0xff, 0xff, 0xff, 0xff))).toBe("0xffffffff");
    expect(formatLeaf("bool", b(2))).toBe(true);
    expect(formatLeaf("bool", b(0))).toBe(false);
    expect(formatLeaf("nullptr", b(0x30))).toBe("nullptr");
    expect(formatLeaf("timer", b(0, 1, 0xab))).toBe("00 01 ab");
    expect(formatLeaf("buffer", b())).toBe("");
  });
});
