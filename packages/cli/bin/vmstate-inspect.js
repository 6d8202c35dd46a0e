#!/usr/bin/env node
// Imports only this command's modules: start-up time counts for every invocation.
import { main } from "../dist/inspect/main.js";
import { nodeIo } from "../dist/io.js";

process.exitCode = await main(process.argv.slice(2), nodeIo());
