// Shared with the fuzzer (tools/fuzz), which mutates these samples too.
export { expandedSample } from "../../tools/samples/packed.js";
