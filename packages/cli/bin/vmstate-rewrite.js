#!/usr/bin/env node
import { rewriteMain, nodeIo } from "../dist/index.js";

process.exitCode = await rewriteMain(process.argv.slice(2), nodeIo());
