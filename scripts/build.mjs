// Builds dist/ with esbuild. The bundles, for their kinds of caller:
//
// - dist/fast.cjs: what bin/preflight.js loads first: a command no rule matches, on a policy
//   already in the compiled-policy cache (src/fast.ts). Only argv reading, the cache lookup,
//   evaluateCommand, the spawn and the audit append; it answers "not mine" for anything else
//   and the bin loads dist/cli.cjs. Its size is what every unguarded command pays to compile.
// - dist/boot.cjs: what bin/preflight.js requires: loads fast.cjs, then (if it declines)
//   cli.cjs, each compiled from V8 bytecode cached by this build (dist/code-cache/, made by
//   running the built CLI once at the end) instead of from source (src/boot/load-bundle.ts).
// - dist/cli.cjs: the command line, ONE CommonJS file. Every `preflight -- CMD` pays for
//   loading it, and Node 20 loads one CommonJS file ~8 ms faster than the same code split
//   into ES modules (measured with `npm run bench`). Heavy packages (yaml, zod, commander,
//   chalk, execa, @inquirer/prompts) stay external and are required or imported only inside
//   the code paths that need them, so a command no rule matches never loads them.
// - dist/lib.js: the core as an ES module library (policy loading and evaluation, diffs), for
//   the benchmark and other tools.
//
// TypeScript type-checking is separate (`npm run typecheck`); esbuild only strips types.
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { build } from "esbuild";

rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });

// The native addon (native/spawn.c, loaded by src/util/native-addon.ts): posix_spawn instead
// of Node's fork for the wrapped command, SHA-256 (native/sha256.c) for src/util/digest.ts,
// the code cache read through a file mapping (native/map-file.c) for src/boot, the user's
// and host's names (native/identity.c) for the audit record, and a prompt exit (native/exit.c). Built where there is a C compiler and Node's
// headers (Linux with glibc); anywhere else preflight starts commands through Node, so a
// failure here is a note, not an error. N-API, so one build serves Node 20, 22 and 24.
buildNativeSpawner();

function buildNativeSpawner() {
  if (process.platform !== "linux") return;
  const out = new URL(
    `../dist/native/spawn-${process.platform}-${process.arch}.node`,
    import.meta.url,
  ).pathname;
  const headers = [
    process.env.npm_config_nodedir && join(process.env.npm_config_nodedir, "include", "node"),
    join(dirname(dirname(process.execPath)), "include", "node"),
  ].find((dir) => dir && existsSync(join(dir, "node_api.h")));
  const skip = (why) =>
    process.stderr.write(
      `build: note: the native spawner was not built (${why}); commands start through Node's own spawn, about 5 ms slower\n`,
    );
  if (!headers) return skip("Node's headers (node_api.h) were not found beside this Node");
  mkdirSync(dirname(out), { recursive: true });
  const compiler = process.env.CC || "cc";
  const sources = ["spawn.c", "sha256.c", "map-file.c", "identity.c", "exit.c"].map(
    (file) => new URL(`../native/${file}`, import.meta.url).pathname,
  );
  const result = spawnSync(
    compiler,
    [
      "-O2",
      "-Wall",
      "-Wextra",
      "-shared",
      "-fPIC",
      "-I",
      headers,
      "-o",
      out,
      ...sources,
      "-lpthread",
    ],
    { encoding: "utf8" },
  );
  if (result.error) return skip(`${compiler}: ${result.error.code ?? result.error.message}`);
  if (result.status !== 0) return skip(`${compiler} failed:\n${result.stderr.trim()}`);
  if (result.stderr.trim()) process.stderr.write(`build: ${compiler} warned:\n${result.stderr}`);
}

// `preflight --version` prints the version of the package it was built from.
const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

// One id for every bundle of this build: the compiled-policy cache keys entries by it, and
// the fast path and the full CLI must find each other's entries (src/policy/cache.ts).
const buildId = `${Date.now().toString(36)}-${process.pid.toString(36)}`;

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  packages: "external",
  logLevel: "warning",
  define: {
    __PREFLIGHT_VERSION__: JSON.stringify(version),
    PREFLIGHT_BUILD_ID: JSON.stringify(buildId),
  },
};

// The sources are ES modules and read import.meta.url to find the package's own files;
// CommonJS has __filename instead. Worked out when first read, not when the file loads
// (pathToFileURL is ~0.5 ms of every run otherwise).
const asCommonJs = {
  format: "cjs",
  banner: {
    js: "const __importMeta = { get url() { return require('node:url').pathToFileURL(__filename).href; } };",
  },
  define: {
    ...common.define,
    "import.meta.url": "__importMeta.url",
    "import.meta.dirname": "__dirname",
  },
};

// dist/boot.cjs compiles fast.cjs and cli.cjs with vm.Script (src/boot/load-bundle.ts), where
// import() needs a flag on Node 20. So their import()s become __bootImport(), boot's own
// import() (passed as a parameter), with plain import() as the fallback when a bundle is
// require()d directly.
const bootLoaded = {
  metafile: true,
  // Written by prepareForBoot, by rename: boot maps the fast bundle's source (its pages are
  // the string V8 keeps), and a file truncated in place under a running preflight would fault.
  write: false,
  banner: {
    js: `${asCommonJs.banner.js}\nconst __preflightImport = typeof __bootImport === "function" ? __bootImport : (specifier) => import(specifier);`,
  },
};

// And each is one function expression, so vm.Script compiles the file's text as it is (no
// wrapped copy of 0.5 MB to build on every run). Under require() the first line calls it with
// the module's variables; compiled as a script, where there is no __filename, the file's
// value is the function itself, which boot calls. The first line holds it all, so line numbers
// in stack traces do not move.
const BOOT_WRAPPER_HEAD =
  '(function (bundle) { return typeof __filename === "string" ? bundle(exports, require, module, __filename, __dirname) : bundle; })(function (exports, require, module, __filename, __dirname, __bootImport) {';
const BOOT_WRAPPER_TAIL = "\n});\n";

/**
 * Makes a bundle loadable by boot: rewrites the import()s esbuild left, checking it found
 * them all, and wraps the whole in one function expression.
 */
function prepareForBoot(result, outfile) {
  const expected = new Set(
    result.metafile.outputs[outfile].imports
      .filter((i) => i.kind === "dynamic-import" && i.external)
      .map((i) => i.path),
  );
  const output = result.outputFiles.find((file) => file.path === resolve(outfile));
  const text = output.text;
  const found = new Set();
  const rewritten = text.replace(/\bimport\(("[^"\n]+")\)/g, (_all, literal) => {
    found.add(JSON.parse(literal));
    return `__preflightImport(${literal})`;
  });
  const missing = [...expected].filter((path) => !found.has(path));
  const unexpected = [...found].filter((path) => !expected.has(path));
  // The banner's own fallback is the one import( left.
  const left = rewritten.split("import(").length - 1;
  if (missing.length || unexpected.length || left !== 1) {
    throw new Error(
      `${outfile}: import() rewriting went wrong (missing ${missing}, unexpected ${unexpected}, ${left} import( left)`,
    );
  }
  mkdirSync(dirname(outfile), { recursive: true });
  const temporary = `${outfile}.${process.pid}.tmp`;
  writeFileSync(temporary, `${BOOT_WRAPPER_HEAD}${rewritten}${BOOT_WRAPPER_TAIL}`);
  renameSync(temporary, outfile);
}

// The policy review commands (src/cli/policy-tools.ts) are a bundle of their own, loaded by
// dist/cli.cjs only when a `preflight policy …` command runs: the guarded-command path does
// not parse them (~1.3 ms per run, measured by compiling both bundles).
const policyToolsApart = {
  name: "policy-tools-apart",
  setup(b) {
    b.onResolve({ filter: /^\.\/policy-tools\.js$/ }, () => ({
      path: "./policy-tools.cjs",
      external: true,
    }));
  },
};

// The AWS parts (reading aws commands, security-group snapshots and predictions, the account
// lookup) are their own file, dist/aws.cjs, required only when a rule needs them: the
// command line's bundle stays the size every `preflight -- CMD` has to parse.
const awsModulesApart = {
  name: "aws-modules-apart",
  setup(b) {
    b.onResolve({ filter: /^\.\/(aws|sdk)\.js$/ }, (args) =>
      args.importer.endsWith("src/bundles/load-aws.ts") ||
      args.importer.endsWith("src/aws/clients.ts")
        ? { path: "./aws.cjs", external: true }
        : undefined,
    );
  },
};

// The GitHub Actions output of a guarded run (annotations, the step summary) is its own file,
// required only when GITHUB_ACTIONS=true and a rule was involved: every other run skips it.
const githubRunApart = {
  name: "github-run-apart",
  setup(b) {
    b.onResolve({ filter: /^\.\.\/report\/github-run\.js$/ }, () => ({
      path: "./github-run.cjs",
      external: true,
    }));
  },
};

// The target resolvers (reading kubeconfig, ~/.flyrc, cf's config.json, …) likewise: loaded
// only when a rule with `environment: { target: TOOL }` matches the command.
const resolversApart = {
  name: "resolvers-apart",
  setup(b) {
    b.onResolve({ filter: /^\.\/modules\.js$/ }, (args) =>
      args.importer.endsWith("src/environment/resolvers/lazy.ts")
        ? { path: "./resolvers.cjs", external: true }
        : undefined,
    );
  },
};

// The team database's parts (src/team/modules.ts: migrations, the shared chain, locks, and the
// `pg` client they require) are dist/team.cjs, required only when a team database is
// configured: the no-rule path and every run without one neither load nor parse them.
const teamModulesApart = {
  name: "team-modules-apart",
  setup(b) {
    b.onResolve({ filter: /^\.\/modules\.js$/ }, (args) =>
      args.importer.endsWith("src/team/lazy.ts")
        ? { path: "./team.cjs", external: true }
        : undefined,
    );
  },
};

await build({
  ...common,
  ...asCommonJs,
  entryPoints: ["src/environment/resolvers/modules.ts"],
  // The yaml package is required on demand (import.meta.url → createRequire), see problem.ts.
  outfile: "dist/resolvers.cjs",
});

await build({
  ...common,
  ...asCommonJs,
  entryPoints: ["src/team/modules.ts"],
  outfile: "dist/team.cjs",
});

await build({
  ...common,
  ...asCommonJs,
  entryPoints: ["src/report/github-run.ts"],
  outfile: "dist/github-run.cjs",
});

await build({
  ...common,
  ...asCommonJs,
  entryPoints: ["src/bundles/aws.ts"],
  outfile: "dist/aws.cjs",
});

prepareForBoot(
  await build({
    ...common,
    ...asCommonJs,
    ...bootLoaded,
    entryPoints: ["src/index.ts"],
    outfile: "dist/cli.cjs",
    plugins: [awsModulesApart, resolversApart, teamModulesApart, policyToolsApart, githubRunApart],
  }),
  "dist/cli.cjs",
);

prepareForBoot(
  await build({
    ...common,
    ...asCommonJs,
    ...bootLoaded,
    entryPoints: ["src/fast.ts"],
    outfile: "dist/fast.cjs",
    plugins: [awsModulesApart, resolversApart, teamModulesApart],
    // Whitespace and syntax only: names stay, so a stack trace still reads.
    minifyWhitespace: true,
    minifySyntax: true,
  }),
  "dist/fast.cjs",
);

// Boot is compiled by bin/preflight.js the same way boot compiles the others (one function
// expression, from its bytecode), with bin's import() as __bootImport.
prepareForBoot(
  await build({
    ...common,
    ...asCommonJs,
    ...bootLoaded,
    entryPoints: ["src/boot/index.ts"],
    outfile: "dist/boot.cjs",
    minifyWhitespace: true,
    minifySyntax: true,
  }),
  "dist/boot.cjs",
);

await build({
  ...common,
  entryPoints: ["src/cli/policy-tools.ts"],
  ...asCommonJs,
  plugins: [awsModulesApart, resolversApart, teamModulesApart],
  outfile: "dist/policy-tools.cjs",
});

await build({
  ...common,
  entryPoints: ["src/lib.ts"],
  format: "esm",
  splitting: true,
  outdir: "dist",
  chunkNames: "chunks/[name]-[hash]",
});

// The code cache (src/boot/load-bundle.ts): run the built CLI in a scratch home, so V8's
// bytecode for what a run uses is written to dist/code-cache/ at exit. V8 reads the whole
// cache on every load, so each bundle's comes from the run that matters most for it:
// fast.cjs and boot.cjs (compiled by bin/preflight.js) from a command no rule matches,
// cli.cjs from a guarded command (one the bundled policy refuses: it runs nothing). The first
// run only compiles the policy into the cache; the second, 2.1 s later, records the cache
// entry as verified (src/policy/stat-index.ts indexes only files unchanged for 2 s), so the
// runs that make the bytecode take the everyday path, which reads the index, not the first
// run after a change, which hashes the policy and checks the entry's seal (bytecode for the path not taken is compiled at run time instead:
// 1.4-4 ms per unguarded run, measured with both).
// A failure here costs only speed (every run compiles from source), so it warns, not fails.
{
  const scratch = mkdtempSync(join(tmpdir(), "preflight-build-"));
  const env = {
    PATH: process.env.PATH,
    HOME: scratch,
    NO_COLOR: "1",
    PREFLIGHT_AUDIT_LOG: join(scratch, "audit.jsonl"),
    PREFLIGHT_CACHE_DIR: join(scratch, "cache"),
  };
  const bin = new URL("../bin/preflight.js", import.meta.url).pathname;
  const out = new URL("../dist/code-cache", import.meta.url).pathname;
  const runs = [
    { args: ["run", "--", "true"], status: 0 },
    { sleep: true },
    { args: ["run", "--", "true"], status: 0 },
    { args: ["run", "--", "true"], status: 0, bundle: "fast.cjs" },
    { args: ["run", "--", "true"], status: 0, bundle: "boot.cjs" },
    {
      args: ["run", "--", "fly", "-t", "prod", "destroy-pipeline", "-p", "main"],
      status: 66,
      bundle: "cli.cjs",
    },
  ];
  for (const { args, status, bundle, sleep } of runs) {
    if (sleep) {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2100);
      continue;
    }
    const result = spawnSync(process.execPath, [bin, ...args], {
      cwd: scratch,
      env: bundle
        ? { ...env, PREFLIGHT_BUILD_CODE_CACHE: out, PREFLIGHT_BUILD_CODE_CACHE_FOR: bundle }
        : env,
      encoding: "utf8",
      input: "",
    });
    if (result.status !== status) {
      process.stderr.write(
        `build: warning: \`preflight ${args.join(" ")}\` exited ${result.status ?? result.signal} (expected ${status}) while making the code cache; runs will compile from source\n${result.stderr}`,
      );
      break;
    }
  }
  rmSync(scratch, { recursive: true, force: true });
}
