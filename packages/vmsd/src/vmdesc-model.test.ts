import { describe, expect, it } from "vitest";
import { LimitError, MalformedError } from "@vmstate/wire";
import { parseJson, quote, serializeJson } from "./json.js";
import { findDevice, isOldStyleDevice, MAX_VMDESC_BYTES, MAX_VMDESC_VALUES, parseVmdesc, serializeVmdesc, serializeVmdescBytes } from "./vmdesc-model.js";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Assembled from the 7.2 and 10.0 fragments of wire-format.md §7.2 and §16.5. */
const QEMU_10_0 =
  '{"configuration": {"vmsd_name": "configuration", "version": 1, "fields": [{"name": "len", "type": "uint32", "size": 4}, {"name": "name", "type": "buffer", "size": 9}], ' +
  '"subsections": [{"vmsd_name": "configuration/target-page-bits", "version": 1, "fields": [{"name": "target_page_bits", "type": "uint32", "size": 4}]}]}, ' +
  '"page_size": 4096, "devices": [' +
  '{"name": "timer", "instance_id": 0, "vmsd_name": "timer", "version": 2, "fields": [{"name": "cpu_ticks_offset", "type": "int64", "size": 8}, {"name": "unused", "type": "unused_buffer", "size": 8}, {"name": "cpu_clock_offset", "type": "int64", "size": 8}]}, ' +
  '{"name": "arm_gic", "instance_id": 0, "vmsd_name": "arm_gic", "version": 12, "fields": [{"name": "ctlr", "type": "uint32", "size": 4}, ' +
  '{"name": "irq_state", "array_len": 1020, "type": "struct", "struct": {"vmsd_name": "arm_gic_irq_state", "version": 1, "fields": [{"name": "enabled", "type": "uint8", "size": 1}, {"name": "pending", "type": "uint8", "size": 1}]}, "size": 2}]}, ' +
  '{"name": "slirp", "instance_id": 0, "size": 12, "fields": [{"name": "data", "size": 12, "type": "buffer"}]}, ' +
  '{"name": "cpu", "instance_id": 0, "vmsd_name": "cpu", "version": 22, "fields": [{"name": "env.regs", "array_len": 16, "type": "uint32", "size": 4}, ' +
  '{"name": "cpreg_vmstate_array_len", "type": "int32 le", "size": 4}, {"name": "cpreg_vmstate_indexes", "array_len": 274, "type": "uint64", "size": 8}, ' +
  '{"name": "cpreg_vmstate_values", "array_len": 274, "type": "uint64", "size": 8}, {"name": "gt_timer[GTIMER_PHYS]", "type": "timer", "size": 8}, ' +
  '{"name": "power_state", "type": "powered_off", "size": 1}], "subsections": [{"vmsd_name": "cpu/vfp", "version": 3, "fields": [{"name": "env.vfp.zregs[0].d", "array_len": 2, "type": "uint64", "size": 8}]}, ' +
  '{"vmsd_name": "cpu/irq-line-state", "version": 1, "fields": [{"name": "env.irq_line_state", "type": "uint32", "size": 4}]}]}]}';

describe("vmdesc model", () => {
  it("re-serializes QEMU's output byte for byte and keeps key order", () => {
    const doc = parseVmdesc(enc(QEMU_10_0));
    expect(serializeVmdesc(doc)).toBe(QEMU_10_0);
    expect(new TextDecoder().decode(serializeVmdescBytes(doc))).toBe(QEMU_10_0);
    expect(Object.keys(doc)).toEqual(["configuration", "page_size", "devices"]);
    expect(Object.keys(doc.devices[2]!.fields[0]!)).toEqual(["name", "size", "type"]);
    expect(findDevice(doc, "cpu", 0)?.fields[2]?.array_len).toBe(274);
    expect(findDevice(doc, "cpu", 1)).toBeUndefined();
    expect(isOldStyleDevice(findDevice(doc, "slirp", 0)!)).toBe(true);
    expect(isOldStyleDevice(findDevice(doc, "timer", 0)!)).toBe(false);
  });

  it("re-serializes a 7.2-style document without configuration", () => {
    const text = '{"page_size": 4096, "devices": [{"name": "timer", "instance_id": 0, "vmsd_name": "timer", "version": 2, "fields": []}]}';
    expect(serializeVmdesc(parseVmdesc(enc(text)))).toBe(text);
  });

  it("escapes strings as json-writer.c quoted_str does", () => {
    expect(quote("a/b")).toBe('"a/b"');
    expect(quote('q"b\\')).toBe('"q\\"b\\\\"');
    expect(quote("\b\f\n\r\t")).toBe('"\\b\\f\\n\\r\\t"');
    expect(quote("\u0001\u001f\u007f")).toBe('"\\u0001\\u001F\\u007F"');
    expect(quote("é€")).toBe('"\\u00E9\\u20AC"');
    expect(quote("😀")).toBe('"\\uD83D\\uDE00"');
    const text = '{"name": "x\\"\\\\\\n\\u0001\\u00E9\\uD83D\\uDE00/", "instance_id": 0, "devices": []}';
    expect(serializeJson(parseJson(enc(text)))).toBe(text);
    expect(parseJson(enc('"\\u00e9\\/"'))).toBe("é/");
  });

  it("keeps repeated keys, index-like keys, empty containers and big integers", () => {
    const text = '{"type": "qtailq", "vmsd_name": "e", "fields": [], "vmsd_name": "e", "fields": [{}], "2": 1, "1": [], "n": 18446744073709551615, "m": -3, "b": true, "z": null}';
    const v = parseJson(enc(text)) as Record<string, unknown>;
    expect(v["n"]).toBe(18446744073709551615n);
    expect(serializeJson(parseJson(enc(text)))).toBe(text);
  });

  it("accepts other whitespace but writes the compact form", () => {
    expect(serializeJson(parseJson(enc(' {\n "a" :[1 ,2],"b":{ } } ')))).toBe('{"a": [1, 2], "b": {}}');
  });

  it("rejects bad JSON with a VMDESC error and its absolute offset", () => {
    const bad: Array<[string, number]> = [
      ['{"devices": [}', 13], ['{"devices": []', 14], ['{"a": 1.5}', 6], ['{"a": 01}', 6], ['{"a": "\u0001"}', 7],
      ['{"a": tru}', 6], ['{"a": 1} x', 9], ['{"a": "\\x"}', 7], ["", 0],
    ];
    for (const [text, at] of bad) {
      expect(() => parseVmdesc(enc(text), { base: 100 }), text).toThrow(expect.objectContaining({ code: "VMDESC", offset: 100 + at }));
    }
    expect(() => parseVmdesc(Uint8Array.of(0x22, 0xff, 0x22))).toThrow(/invalid UTF-8/);
    expect(() => parseVmdesc(enc("[]"))).toThrow(MalformedError);
    expect(() => parseVmdesc(enc('{"page_size": 4096}'))).toThrow(/no "devices" array/);
    expect(() => parseVmdesc(enc('{"devices": [{"name": "x"}]}'))).toThrow(/instance_id/);
    expect(() => parseJson(enc("[".repeat(2000)))).toThrow(LimitError);
  });
});

describe("the vmdesc's memory budget (#10: a 200,000-device vmdesc took a rewrite to 957 MiB)", () => {
  it("refuses more JSON than MAX_VMDESC_BYTES before parsing, naming the size and the limit", () => {
    const big = new Uint8Array(MAX_VMDESC_BYTES + 1).fill(0x20);
    expect(() => parseVmdesc(big, { base: 100 })).toThrow(LimitError);
    expect(() => parseVmdesc(big, { base: 100 })).toThrow(/the vmdesc is 16\.0 MiB of JSON, more than the 16\.0 MiB vmstate reads .* at offset 0x64/);
  });

  it("refuses more values than MAX_VMDESC_VALUES, and reads as many", () => {
    const doc = (n: number) => enc(`{"devices": [${Array.from({ length: n }, () => "0").join(", ")}]}`);
    // The object, the array and its elements are values.
    expect(() => parseVmdesc(doc(MAX_VMDESC_VALUES - 2))).toThrow(/devices\[0\] is not an object/);
    expect(() => parseVmdesc(doc(MAX_VMDESC_VALUES - 1))).toThrow(/more than 200000 values/);
  });
});
