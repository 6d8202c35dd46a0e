#!/usr/bin/env node
import { inspectMain, nodeIo } from "../dist/index.js";

process.exitCode = await inspectMain(process.argv.slice(2), nodeIo());
