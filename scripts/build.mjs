// Builds dist/ with esbuild. The bundles, for their kinds of caller:
//
// - dist/fast.cjs: what bin/preflight.js loads first: a command no rule matches, on a policy
//   already in the compiled-policy cache (src/fast.ts). Only argv reading, the cache lookup,
//   evaluateCommand, the spawn and the audit append; it answers "not mine" for anything else
//   and the bin loads dist/cli.cjs. Its size is what every unguarded command pays to compile.
// - dist/cli.cjs: the command line, ONE CommonJS file. Every `preflight -- CMD` pays for
//   loading it, and Node 20 loads one CommonJS file ~8 ms faster than the same code split
//   into ES modules (measured with `npm run bench`). Heavy packages (yaml, zod, commander,
//   chalk, execa, @inquirer/prompts) stay external and are required or imported only inside
//   the code paths that need them, so a command no rule matches never loads them.
// - dist/lib.js: the core as an ES module library (policy loading and evaluation, diffs), for
//   the benchmark and other tools.
//
// TypeScript type-checking is separate (`npm run typecheck`); esbuild only strips types.
import { readFileSync, rmSync } from "node:fs";
import { build } from "esbuild";

rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });

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
// CommonJS has __filename instead.
const asCommonJs = {
  format: "cjs",
  banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { ...common.define, "import.meta.url": "__importMetaUrl" },
};

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
  entryPoints: ["src/team/modules.ts"],
  format: "cjs",
  outfile: "dist/team.cjs",
});

await build({
  ...common,
  entryPoints: ["src/report/github-run.ts"],
  format: "cjs",
  outfile: "dist/github-run.cjs",
});

await build({
  ...common,
  entryPoints: ["src/bundles/aws.ts"],
  format: "cjs",
  outfile: "dist/aws.cjs",
});

await build({
  ...common,
  ...asCommonJs,
  entryPoints: ["src/index.ts"],
  outfile: "dist/cli.cjs",
  plugins: [awsModulesApart, resolversApart, teamModulesApart, policyToolsApart, githubRunApart],
});

await build({
  ...common,
  ...asCommonJs,
  entryPoints: ["src/fast.ts"],
  outfile: "dist/fast.cjs",
  plugins: [awsModulesApart, resolversApart, teamModulesApart],
  // Whitespace and syntax only: names stay, so a stack trace still reads.
  minifyWhitespace: true,
  minifySyntax: true,
});

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
