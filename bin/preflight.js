#!/usr/bin/env node
// Thin shim: everything lives in the built CLI (npm install builds it via `prepare`).
import "../dist/index.js";
