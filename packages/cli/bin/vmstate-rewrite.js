#!/usr/bin/env -S node --max-semi-space-size=1
// A 1 MiB young generation keeps the resident size down by ~5 MB; the records that go by
// die young, so a bigger one only holds more garbage. Imports only this command's modules:
// start-up time and memory count in a pipeline.
import { main } from "../dist/rewrite/main.js";
import { nodeIo } from "../dist/io.js";

process.exitCode = await main(process.argv.slice(2), nodeIo());
