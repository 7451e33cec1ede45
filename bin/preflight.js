#!/usr/bin/env node
// Thin shim: everything lives in the built CLI (`npm install` builds it via `prepare`).
// CommonJS (see bin/package.json) so Node loads the one-file CLI bundle on its fastest path.
require("../dist/cli.cjs");
