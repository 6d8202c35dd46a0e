#!/usr/bin/env node
"use strict";
const bundle = require("./run-bundle.cjs");
bundle.runBundle("inspect", bundle.readCache("inspect"));
