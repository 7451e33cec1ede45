#!/usr/bin/env node
/**
 * preflight's benchmark (`npm run bench`, which builds first). Three measurements, side by
 * side in one run, against the targets of issue 14 (docs/performance.md):
 *
 *   1. start-up: the median wall times of `preflight run -- true` and of `preflight run --
 *      fly pipelines` (a program a rule names, no rule matching) on the bundled policy, against
 *      `node -e 0` and against Node spawning `true` and nothing else (the floor for any Node
 *      wrapper), all interleaved so machine noise hits each; targets: ratio <= 1.2 and within
 *      0.05 of the floor's ratio;
 *   2. matching: a generated 100,000-rule policy, evaluated cold in a fresh process (what one
 *      CLI invocation pays, rule index included) and warm; targets: cold evaluation <= 50 ms,
 *      loading the cached compiled policy in a fresh process <= 100 ms;
 *   3. diffing: before/after snapshots of 100,000 and 1,000,000 entries, each in a fresh
 *      process; targets 200 ms and 2 s, and the memory the diff takes (peak RSS growth)
 *      <= 3x the two snapshots' JSON size.
 *
 * Options: --runs N (start-up pairs, default 30), --json (stdout gets one JSON object of every
 * figure; the table goes to stderr). Missed targets are reported as FAIL but do not change the
 * exit code, because machines vary; the exit code is non-zero only if the benchmark breaks.
 *
 * Plain ESM over Node built-ins, importing the built modules from ../dist.
 */
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { measureResolvers, renderResolvers, resolverChild } from "./resolvers.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const DIST = join(ROOT, "dist");
const BIN = join(ROOT, "bin", "preflight.js");
const NODE = process.execPath;

const TARGET_RATIO = 1.2;
const TARGET_FLOOR_GAP = 0.05;
const TARGET_MATCH_MS = 50;
const TARGET_LOAD_MS = 100;
const RULE_COUNT = 100_000;
const DIFF_SIZES = [
  { entries: 100_000, targetMs: 200, runs: 5 },
  { entries: 1_000_000, targetMs: 2000, runs: 3 },
];
const TARGET_MEMORY_FACTOR = 3;
const EVAL_REPS = 200;
const COLD_REPS = 5;
const E2E_RUNS = 10;
/** A compiled-policy cache entry (src/policy/cache.ts), not a temporary file. */
const ENTRY_NAME = /^policy-[0-9a-f]{64}\.compiled$/;

/** A problem the benchmark reports as a message, not a stack trace. */
class BenchError extends Error {}

// --- hidden child mode: one cold evaluation in a fresh process --------------------------------

/**
 * What one CLI invocation pays to match, measured in a fresh process: loadPolicy on the warm
 * cache, then the first evaluateCommand, with a cold JIT. With the stat index in `home` (the
 * everyday path) the load stats the policy file and the entry and reads the entry's header and
 * policy sections, hashing nothing; without it, it also reads and hashes the policy text and
 * checks the entry's seal. The evaluation reads the rule index's bucket for each program and
 * the rules it names (src/policy/entry-layout.ts), compiles the globs it needs and matches.
 * Module loading is excluded here: start-up (section 1) measures it.
 */
async function coldEvalChild(request) {
  const { loadPolicy, evaluateCommand, from } = await loadCore();
  // dist/lib.js imports yaml and zod eagerly, which a CLI run on a warm cache never loads;
  // left on the heap they make V8 finish a major GC inside the evaluation (about 4x slower on
  // a 2-CPU machine). Collect first, so the figure is what a CLI run pays.
  if (from === "dist/lib.js") globalThis.gc?.();
  const { policyFile, cacheDir, argv, home } = JSON.parse(request);
  const t0 = process.hrtime.bigint();
  const { policy } = await loadPolicy({
    explicit: [policyFile],
    env: { PREFLIGHT_CACHE_DIR: cacheDir },
    cwd: dirname(policyFile),
    // The CLI runs' home (cliEnv), so all share one seal key and one compiled entry.
    home: home ?? join(dirname(policyFile), "home"),
  });
  const t1 = process.hrtime.bigint();
  const evaluation = evaluateCommand({ policy, argv, vars: {} });
  const t2 = process.hrtime.bigint();
  process.stdout.write(
    JSON.stringify({
      loadMs: ms(t1 - t0),
      evalMs: ms(t2 - t1),
      rules: evaluation.rules.length,
      decision: evaluation.decision,
    }),
  );
}

// --- main -----------------------------------------------------------------------------------

const log = (text) => process.stderr.write(`${text}\n`);
let work;
let core;

async function main(args) {
  const options = parseArgs(args);
  work = mkdtempSync(join(tmpdir(), "preflight-bench-"));
  try {
    const results = {
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      startup: measureStartup(options.runs),
      matching: await measureMatching(),
      diff: await measureDiff(),
      resolvers: measureResolvers({ work, dist: DIST, script: fileURLToPath(import.meta.url) }),
    };
    const table = renderTable(results);
    if (options.json) {
      process.stderr.write(table);
      process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    } else {
      process.stdout.write(table);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function parseArgs(args) {
  const parsed = { runs: 30, json: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--json") parsed.json = true;
    else if (arg === "--runs" || arg.startsWith("--runs=")) {
      const value = arg === "--runs" ? args[++i] : arg.slice("--runs=".length);
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1) fail(`--runs needs a positive whole number, not ${value}`);
      parsed.runs = n;
    } else if (arg === "--help" || arg === "-h") {
      process.stdout.write("usage: node bench/run.mjs [--runs N] [--json]\n");
      process.exit(0);
    } else fail(`unknown option ${arg} (usage: node bench/run.mjs [--runs N] [--json])`);
  }
  return parsed;
}

// --- 1. start-up ----------------------------------------------------------------------------

function measureStartup(runs) {
  const cwd = cliCwd();
  const warmCache = join(work, "cache");
  const warmEnv = cliEnv(warmCache);
  const preflight = [NODE, [BIN, "run", "--", "true"]];
  // A program the bundled policy's rules name (fly), with arguments no rule matches: the
  // rule index is consulted, the arguments compared, and the command runs unguarded.
  const flyPipelines = [NODE, [BIN, "run", "--", "fly", "pipelines"]];
  const bare = [NODE, ["-e", "0"]];
  // A coding agent's hook on a command no rule matches: the allow path every `ls` pays.
  const hookEvent = JSON.stringify({
    session_id: "bench",
    cwd,
    hook_event_name: "PreToolUse",
    tool_name: "Bash",
    tool_input: { command: "ls -la" },
  });
  const hook = [NODE, [BIN, "hook", "claude-code"], hookEvent];
  // Not a target, a yardstick: Node doing nothing but run `true` with inherited stdio and wait
  // for it, the least any Node wrapper of a command pays.
  const floor = [
    NODE,
    [
      "-e",
      'require("node:child_process").spawn("true",{stdio:"inherit"}).on("exit",(c)=>{process.exitCode=c})',
    ],
  ];

  // One checked run of each first, so a broken build fails loudly instead of timing an error.
  for (const [command, args] of [preflight, flyPipelines]) {
    const check = spawnSync(command, args, { cwd, env: warmEnv, encoding: "utf8" });
    if (check.status !== 0) {
      fail(
        `\`preflight ${args.slice(1).join(" ")}\` exited ${check.status ?? check.signal}:\n${check.stderr}${check.stdout}`,
      );
    }
  }
  // The everyday path: the compiled policy cached, and the cache entry recorded as verified,
  // which happens on the first run at least 2 s after the policy and the entry last changed
  // (src/policy/stat-index.ts).
  spawnSync("sleep", ["2.1"]);
  log(`start-up: warming up, then ${runs} interleaved runs of each…`);
  const commands = { preflight, fly: flyPipelines, node: bare, floor, hook };
  for (let i = 0; i < 3; i++) {
    for (const command of Object.values(commands)) time(command, cwd, warmEnv);
  }
  const cached = safeReaddir(warmCache).filter((f) => ENTRY_NAME.test(f)).length;
  if (cached === 0) log("warning: the compiled-policy cache is still empty after the warm-up");
  const indexed = existsSync(
    join(work, "home", ".local", "state", "preflight", "verified-policies.json"),
  );
  if (!indexed) log("warning: no verified-policies index after the warm-up");

  const samples = { preflight: [], fly: [], node: [], floor: [], hook: [] };
  const names = Object.keys(commands);
  for (let i = 0; i < runs; i++) {
    // Rotate the order, so none always runs right after the same other one.
    const order = names.map((_, k) => names[(i + k) % names.length]);
    for (const name of order) samples[name].push(time(commands[name], cwd, warmEnv));
  }

  // Cold: an empty cache folder, so the policy is parsed and validated (yaml + zod) and the
  // cache written. Three runs, each with its own empty folder; the median is reported.
  const coldMs = [];
  for (let i = 0; i < 3; i++) {
    const dir = join(work, `cold-cache-${i}`);
    coldMs.push(time(preflight, cwd, cliEnv(dir)));
    time(bare, cwd, warmEnv);
  }

  const nd = stats(samples.node);
  const fl = stats(samples.floor);
  const floorRatio = fl.median / nd.median;
  const judge = (name, label) => {
    const st = stats(samples[name]);
    const ratio = st.median / nd.median;
    return {
      command: label,
      ...st,
      overheadMs: round(st.median - nd.median),
      ratio: round(ratio, 3),
      aboveFloor: round(ratio - floorRatio, 3),
      pass: ratio <= TARGET_RATIO && ratio - floorRatio <= TARGET_FLOOR_GAP,
    };
  };
  const preflightFigures = judge("preflight", "preflight run -- true");
  const flyFigures = judge("fly", "preflight run -- fly pipelines");
  // Which spawner starts the command (src/io/native-spawn.ts): the native one where the build
  // compiled it, else Node's; PREFLIGHT_NO_NATIVE=1 in the bench's own environment turns it off.
  const native = join(DIST, "native", `spawn-${process.platform}-${process.arch}.node`);
  const spawner =
    process.env.PREFLIGHT_NO_NATIVE !== "1" && existsSync(native)
      ? "native (posix_spawn, dist/native/)"
      : "Node's own (fork)";
  return {
    runs,
    spawner,
    cache: "warm (compiled-policy cache and its verified index filled by the warm-up)",
    compiledPoliciesCached: cached,
    verifiedIndex: indexed,
    preflight: preflightFigures,
    flyPipelines: flyFigures,
    node: nd,
    floor: { ...fl, ratioToNode: round(floorRatio, 3) },
    target: { ratio: TARGET_RATIO, aboveFloor: TARGET_FLOOR_GAP },
    pass: preflightFigures.pass && flyFigures.pass,
    hookAllow: {
      ...stats(samples.hook),
      ratioToNode: round(stats(samples.hook).median / nd.median, 3),
    },
    coldCache: {
      runs: coldMs.length,
      medianMs: round(median(coldMs)),
      samplesMs: coldMs.map((v) => round(v)),
    },
  };
}

/** The folder CLI runs start in: under os.tmpdir(), with no preflight.yaml above it. */
function cliCwd() {
  const cwd = join(work, "cwd");
  mkdirSync(cwd, { recursive: true });
  mkdirSync(join(work, "home"), { recursive: true });
  // A stand-in for Concourse's fly, which exits 0 like `fly pipelines` does.
  const bin = join(work, "bin");
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, "fly"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
  return cwd;
}

/** A clean environment for CLI runs: no PREFLIGHT_POLICY, no NODE_OPTIONS, nothing from npm. */
function cliEnv(cacheDir) {
  const env = {
    PATH: `${join(work, "bin")}:${process.env.PATH ?? "/usr/bin:/bin"}`,
    HOME: join(work, "home"),
    NO_COLOR: "1",
    PREFLIGHT_AUDIT_LOG: join(work, "audit.jsonl"),
    PREFLIGHT_CACHE_DIR: cacheDir,
  };
  if (process.env.TMPDIR) env.TMPDIR = process.env.TMPDIR;
  // To measure without the native spawner: PREFLIGHT_NO_NATIVE=1 npm run bench.
  if (process.env.PREFLIGHT_NO_NATIVE) env.PREFLIGHT_NO_NATIVE = process.env.PREFLIGHT_NO_NATIVE;
  return env;
}

function time([command, args, input], cwd, env) {
  const t0 = process.hrtime.bigint();
  const stdio = input === undefined ? "ignore" : ["pipe", "ignore", "ignore"];
  const result = spawnSync(command, args, { cwd, env, stdio, input });
  const elapsed = ms(process.hrtime.bigint() - t0);
  if (result.error) throw result.error;
  if (result.status !== 0) fail(`${args.join(" ")} exited ${result.status ?? result.signal}`);
  return elapsed;
}

// --- 2. matching ----------------------------------------------------------------------------

async function measureMatching() {
  log(`matching: generating and compiling a ${RULE_COUNT.toLocaleString("en")}-rule policy…`);
  const { loadPolicy, evaluateCommand } = await loadCore();
  const text = JSON.stringify(generatePolicy(RULE_COUNT));

  // The policy as a file, loaded once through loadPolicy on an empty cache: parsed, validated
  // and compiled (what a CLI run pays once per policy change), and the cache filled.
  const policyFile = join(work, "generated.yaml");
  const cacheDir = join(work, "generated-cache");
  writeFileSync(policyFile, text);
  let t0 = process.hrtime.bigint();
  const { policy } = await loadPolicy({
    explicit: [policyFile],
    env: { PREFLIGHT_CACHE_DIR: cacheDir },
    cwd: work,
    home: join(work, "home"),
  });
  const loadColdMs = ms(process.hrtime.bigint() - t0);
  if (policy.rules.length !== RULE_COUNT)
    fail(`compiled ${policy.rules.length} rules, not ${RULE_COUNT}`);
  const cachedFiles = safeReaddir(cacheDir).filter((f) => ENTRY_NAME.test(f));
  if (cachedFiles.length !== 1)
    fail(`loadPolicy left ${cachedFiles.length} entries in the cache, not 1`);
  const entryBytes = statSync(join(cacheDir, cachedFiles[0])).size;
  // The compiled policy as one JSON document, for the in-process evaluations below.
  const compiledJson = JSON.stringify(policy);

  const cases = [
    { name: "matches nothing", argv: ["ls", "-la", "/tmp"], expectRules: false },
    {
      name: "literal rule",
      argv: ["tool42", "delete-db", "--force", "a", "-t", "prod-eu"],
      expectRules: true,
    },
    { name: "glob rule", argv: ["tXXol42", "purge", "-t", "staging"], expectRules: true },
    {
      name: "sh -c, 3 commands",
      argv: ["sh", "-c", "tool7 status; tool42 delete-cache b --target staging && echo done"],
      expectRules: true,
    },
  ];

  // A CLI run reads a cache entry its stat index vouches for without hashing the policy text
  // and the entry again; the index is written by the first load at least 2 s after the policy
  // and the entry last changed (src/policy/stat-index.ts).
  spawnSync("sleep", ["2.1"]);
  await loadPolicy({
    explicit: [policyFile],
    env: { PREFLIGHT_CACHE_DIR: cacheDir },
    cwd: work,
    home: join(work, "home"),
  });
  log(`matching: ${COLD_REPS} cold evaluations of each command in fresh processes…`);
  const script = fileURLToPath(import.meta.url);
  const coldChild = (request) => {
    const child = spawnSync(NODE, ["--expose-gc", script, "--cold-eval", JSON.stringify(request)], {
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
    });
    if (child.status !== 0) fail(`a cold evaluation failed:\n${child.stderr}`);
    return JSON.parse(child.stdout);
  };
  const cold = cases.map(() => []);
  for (let round = 0; round < COLD_REPS; round++) {
    for (const [i, c] of cases.entries()) {
      cold[i].push(coldChild({ policyFile, cacheDir, argv: c.argv }));
    }
  }
  // The load a run pays when the stat index does not vouch for the entry (the first run after
  // the policy or the entry changed, or within 2 s of it): a home with the same seal key and
  // no index, emptied again before each run.
  const unindexedHome = join(work, "home-unindexed");
  const unindexedState = join(unindexedHome, ".local", "state", "preflight");
  mkdirSync(unindexedState, { recursive: true });
  copyFileSync(
    join(work, "home", ".local", "state", "preflight", "cache.key"),
    join(unindexedState, "cache.key"),
  );
  const unindexed = [];
  for (let round = 0; round < 3; round++) {
    rmSync(join(unindexedState, "verified-policies.json"), { force: true });
    unindexed.push(coldChild({ policyFile, cacheDir, argv: cases[0].argv, home: unindexedHome }));
  }

  log(`matching: ${EVAL_REPS} warm evaluations of each command…`);
  const rows = [];
  for (const [i, c] of cases.entries()) {
    // In this process: a fresh policy object (the rule index is per policy) for the first
    // evaluation, then repetitions on it.
    const fresh = JSON.parse(compiledJson);
    t0 = process.hrtime.bigint();
    const first = evaluateCommand({ policy: fresh, argv: c.argv, vars: {} });
    const firstMs = ms(process.hrtime.bigint() - t0);
    const reps = [];
    for (let r = 0; r < EVAL_REPS; r++) {
      t0 = process.hrtime.bigint();
      evaluateCommand({ policy: fresh, argv: c.argv, vars: {} });
      reps.push(ms(process.hrtime.bigint() - t0));
    }
    const matched = first.rules.length;
    for (const run of cold[i]) {
      if (run.rules !== matched)
        fail(`${c.name}: ${matched} rules in-process, ${run.rules} in a fresh process`);
    }
    if (c.expectRules !== matched > 0) {
      fail(`${c.name}: expected ${c.expectRules ? "some" : "no"} matching rules, got ${matched}`);
    }
    const coldEval = median(cold[i].map((r) => r.evalMs));
    const coldLoad = median(cold[i].map((r) => r.loadMs));
    const coldTotal = median(cold[i].map((r) => r.loadMs + r.evalMs));
    rows.push({
      name: c.name,
      argv: c.argv,
      rulesMatched: matched,
      decision: first.decision,
      coldEvalMs: round(coldEval, 2),
      coldEvalSamplesMs: cold[i].map((r) => round(r.evalMs, 2)),
      coldLoadPolicyMs: round(coldLoad, 2),
      coldLoadPlusEvalMs: round(coldTotal, 2),
      firstInProcessMs: round(firstMs, 3),
      warm: stats(reps, 4),
      pass: coldEval <= TARGET_MATCH_MS,
    });
  }

  // End to end: the same CLI run on the generated policy and on the bundled one, interleaved.
  // The difference is what the generated rules cost one invocation with the CLI's own module layout:
  // hashing the policy text, reading and parsing the compiled JSON, indexing and matching.
  log(`matching: ${E2E_RUNS} CLI runs on each policy…`);
  const cwd = cliCwd();
  // The cache filled above: compiling 100,000 rules once more would take minutes.
  const env = cliEnv(cacheDir);
  const onGenerated = [NODE, [BIN, "run", "--policy", policyFile, "--", "true"]];
  const onBundled = [NODE, [BIN, "run", "--", "true"]];
  for (let i = 0; i < 2; i++) {
    time(onGenerated, cwd, env);
    time(onBundled, cwd, env);
  }
  const e2e = { generated: [], bundled: [] };
  for (let i = 0; i < E2E_RUNS; i++) {
    const order = i % 2 === 0 ? ["generated", "bundled"] : ["bundled", "generated"];
    for (const name of order) {
      e2e[name].push(time(name === "generated" ? onGenerated : onBundled, cwd, env));
    }
  }
  const cli = {
    command: "preflight run -- true (matches nothing)",
    runs: E2E_RUNS,
    generatedPolicyMs: round(median(e2e.generated)),
    bundledPolicyMs: round(median(e2e.bundled)),
    extraForGeneratedRulesMs: round(median(e2e.generated) - median(e2e.bundled)),
  };

  const index = policy.rules.filter((r) => r.commands.some((c) => /[*?[{\\]/.test(c))).length;
  return {
    modules: core.from,
    modulesImportMs: round(core.importMs),
    rules: RULE_COUNT,
    globCommandRules: index,
    environments: Object.keys(policy.environments).length,
    policyTextBytes: text.length,
    compiledJsonBytes: compiledJson.length,
    cacheEntryBytes: entryBytes,
    loadPolicyEmptyCacheMs: round(loadColdMs),
    evaluations: rows,
    cachedLoadMs: round(median(cold.flat().map((r) => r.loadMs)), 2),
    unindexedLoadMs: round(median(unindexed.map((r) => r.loadMs)), 2),
    cliEndToEnd: cli,
    target: TARGET_MATCH_MS,
    loadTarget: TARGET_LOAD_MS,
    pass: rows.every((r) => r.pass) && median(cold.flat().map((r) => r.loadMs)) <= TARGET_LOAD_MS,
  };
}

/**
 * A policy of `count` rules in varied shapes: literal programs tool0…tool999 (ten rules each),
 * some with a second program name, args with globs and braces, a glob program every hundredth
 * rule, environment and resource extractors of every kind, and every form of decision.
 */
function generatePolicy(count) {
  const environments = {
    production: {
      protected: true,
      color: "red",
      match: {
        target: ["prod", "production", "prod-*", "*-prod"],
        vars: { AWS_PROFILE: "{prod,*-prod}" },
      },
    },
    staging: { color: "yellow", match: { target: ["staging", "stg", "staging-*", "*-staging"] } },
    development: { color: "green", match: { target: ["dev", "local", "dev-*"] } },
  };
  for (let e = 0; e < 7; e++) {
    environments[`region${e}`] = { match: { target: [`region${e}`, `region${e}-*`] } };
  }
  const argShapes = [
    ["delete-*", "{a,b}"],
    [`sub-{x,y,z}`],
    ["{destroy,purge,drop}"],
    ["delete-*"],
    [],
    ["--force", "{main,master,*:main}"],
    ["remove", "[a-f]*"],
    ["apply", "{-destroy,--destroy}"],
  ];
  const extractors = [
    { flag: ["-t", "--target"] },
    { vars: ["AWS_PROFILE"] },
    { position: 2 },
    { flag: "--context", vars: ["KUBE_CONTEXT"] },
  ];
  const decisions = [
    { production: "deny", "*": "confirm" },
    "confirm",
    { staging: "allow", "*": "confirm" },
    undefined,
  ];
  const rules = [];
  for (let i = 0; i < count; i++) {
    const program = `tool${i % 1000}`;
    // Shapes vary across the ten rules of one program as well as between programs.
    const v = i + Math.floor(i / 1000);
    let command = program;
    if (i % 100 === 42) command = `t*ol${i % 1000}`;
    else if (i % 7 === 3) command = [program, `alias${i % 1000}`];
    const rule = {
      id: `rule-${i}`,
      match: { command, args: argShapes[v % argShapes.length] },
      environment: extractors[v % extractors.length],
    };
    if (rule.match.args.length === 0) delete rule.match.args;
    if (v % 3 === 0) rule.description = `generated rule ${i}`;
    if (v % 5 === 0) rule.resource = { flag: ["-p", "--pipeline"] };
    const decision = decisions[v % decisions.length];
    if (decision !== undefined) rule.decision = decision;
    if (v % 11 === 0) rule["require-reason"] = true;
    rules.push(rule);
  }
  return { version: 1, environments, "unknown-environment": "protected", rules };
}

// --- 3. diff --------------------------------------------------------------------------------

/** The snapshots the diff is measured on: 0.1% removed, 0.1% added, 0.1% changed. */
function diffSnapshotsOf(count) {
  const entry = (i) => ({
    name: `pipeline-${i}`,
    paused: i % 3 === 0,
    team: `team-${i % 50}`,
    n: i,
  });
  const beforeEntries = [];
  for (let i = 0; i < count; i++) beforeEntries.push(entry(i));
  const afterEntries = [];
  for (let i = 0; i < count; i++) {
    if (i % 1000 === 0) continue;
    const e = entry(i);
    if (i % 1000 === 500) e.paused = !e.paused;
    afterEntries.push(e);
  }
  for (let i = 0; i < count / 1000; i++) afterEntries.push(entry(count + i));
  const snapshot = (entries) => ({ state: "pipelines", rule: "bench", key: ["name"], entries });
  return { before: snapshot(beforeEntries), after: snapshot(afterEntries) };
}

/**
 * One size, in a fresh process (so one size's heap does not weigh on the next): the diff
 * timed `runs` times, the memory the first diff took (growth of the heap, garbage included,
 * and of the resident set, from just before it), the two snapshots' JSON size, and verifying
 * expectations against the result.
 */
async function diffChild(request) {
  const { entries, runs } = JSON.parse(request);
  const { diffSnapshots, verifyExpectations } = await loadCore();
  const { before, after } = diffSnapshotsOf(entries);
  globalThis.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const rssBefore = process.memoryUsage().rss;
  const diffMs = [];
  let diff;
  let heapGrowth = 0;
  let rssGrowth = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    diff = diffSnapshots(before, after);
    diffMs.push(ms(process.hrtime.bigint() - t0));
    if (i === 0) {
      heapGrowth = process.memoryUsage().heapUsed - heapBefore;
      rssGrowth = process.resourceUsage().maxRSS * 1024 - rssBefore;
    }
    diff = undefined;
    globalThis.gc?.();
  }
  diff = diffSnapshots(before, after);
  const expectations = {
    added: { kind: "limit", max: entries / 1000, only: { name: "pipeline-*" } },
    removed: { kind: "limit", max: 50, never: { team: "team-1" } },
    changed: { kind: "limit", only: { team: "team-{0,10,20,30,40}" } },
    unchanged: [{ team: "team-7" }, { name: "pipeline-99*" }],
    source: { file: "generated.yaml", line: 1, column: 1 },
  };
  const t0 = process.hrtime.bigint();
  const violations = verifyExpectations(diff, expectations, "bench");
  const verifyMs = ms(process.hrtime.bigint() - t0);
  const jsonBytes =
    Buffer.byteLength(JSON.stringify(before)) + Buffer.byteLength(JSON.stringify(after));
  process.stdout.write(
    JSON.stringify({
      diffMs,
      heapGrowth,
      rssGrowth: Math.max(0, rssGrowth),
      jsonBytes,
      counts: {
        added: diff.added.length,
        removed: diff.removed.length,
        changed: diff.changed.length,
      },
      verifyMs,
      violations: violations.length,
    }),
  );
}

async function measureDiff() {
  const rows = [];
  for (const size of DIFF_SIZES) {
    log(`diff: ${size.entries.toLocaleString("en")} entries in a fresh process…`);
    const child = spawnSync(
      NODE,
      ["--expose-gc", fileURLToPath(import.meta.url), "--diff-child", JSON.stringify(size)],
      { encoding: "utf8", env: { PATH: process.env.PATH ?? "/usr/bin:/bin" }, maxBuffer: 1 << 24 },
    );
    if (child.status !== 0) fail(`the diff of ${size.entries} entries failed:\n${child.stderr}`);
    const r = JSON.parse(child.stdout);
    const expected = size.entries / 1000;
    const { added, removed, changed } = r.counts;
    if (added !== expected || removed !== expected || changed !== expected) {
      fail(`diff found ${JSON.stringify(r.counts)}, expected ${expected} of each`);
    }
    const memory = Math.max(r.heapGrowth, r.rssGrowth);
    const st = stats(r.diffMs);
    rows.push({
      entries: size.entries,
      ...r.counts,
      diff: { runs: size.runs, firstMs: round(r.diffMs[0]), ...st },
      targetMs: size.targetMs,
      jsonBytes: r.jsonBytes,
      heapGrowthBytes: r.heapGrowth,
      rssGrowthBytes: r.rssGrowth,
      memoryFactor: round(memory / r.jsonBytes, 2),
      targetMemoryFactor: TARGET_MEMORY_FACTOR,
      verifyMs: round(r.verifyMs, 2),
      violations: r.violations,
      pass: st.median <= size.targetMs && memory <= TARGET_MEMORY_FACTOR * r.jsonBytes,
    });
  }
  return { sizes: rows, pass: rows.every((r) => r.pass) };
}

// --- output ---------------------------------------------------------------------------------

function renderTable(r) {
  const s = r.startup;
  const m = r.matching;
  const d = r.diff;
  const verdict = (pass) => (pass ? "PASS" : "FAIL");
  const lines = [];
  lines.push(`preflight bench — node ${r.node}, ${r.platform}`);
  lines.push("");
  lines.push(
    `1. Start-up, ${s.runs} interleaved runs each; policies/default.yaml (no other policy found)`,
  );
  lines.push(
    "   warm compiled-policy cache and verified index, filled by the warm-up: the everyday path",
  );
  lines.push(`   the command is started by ${s.spawner} spawner`);
  const w1 = [32, 10, 10, 10, 10, 8, 12];
  lines.push(row(["", "median", "p90", "min", "max", "× node", "− floor"], w1));
  const timing = (label, t, extra) =>
    row([label, f(t.median), f(t.p90), f(t.min), f(t.max), ...extra], w1);
  lines.push(timing("node -e 0", s.node, ["1.00", ""]));
  lines.push(timing("(floor) node spawning true", s.floor, [s.floor.ratioToNode.toFixed(2), ""]));
  const hk = s.hookAllow;
  lines.push(timing("hook claude-code (allow: ls)", hk, [hk.ratioToNode.toFixed(2), ""]));
  for (const p of [s.preflight, s.flyPipelines]) {
    lines.push(
      timing(p.command, p, [
        p.ratio.toFixed(2),
        `${p.aboveFloor >= 0 ? "+" : ""}${p.aboveFloor.toFixed(2)}`,
      ]),
    );
  }
  for (const p of [s.preflight, s.flyPipelines]) {
    lines.push(
      `   ${p.command}: ratio ${p.ratio.toFixed(2)} (target ≤ ${s.target.ratio}), ${p.aboveFloor >= 0 ? "+" : ""}${p.aboveFloor.toFixed(2)} from the floor's ${s.floor.ratioToNode.toFixed(2)} (target ≤ +${s.target.aboveFloor})  ${verdict(p.pass)}   overhead ${f(p.overheadMs)}`,
    );
  }
  lines.push(
    `   hook allow path: ${hk.ratioToNode.toFixed(2)}× node -e 0 (it runs nothing, so it pays no spawn of its own)`,
  );
  lines.push(
    `   cold cache (empty cache folder: YAML parse + schema validation + cache write): median ${f(s.coldCache.medianMs)} of ${s.coldCache.runs} [${s.coldCache.samplesMs.map((v) => f(v)).join(", ")}]`,
  );
  lines.push("");
  lines.push(
    `2. Matching, generated policy: ${m.rules.toLocaleString("en")} rules (${m.globCommandRules} with glob programs), ${m.environments} environments`,
  );
  lines.push(`   from ${m.modules} (imported in ${f(m.modulesImportMs)})`);
  lines.push(
    `   compile (paid once per policy change, then cached): loadPolicy on an empty cache ${f(m.loadPolicyEmptyCacheMs)}`,
  );
  lines.push(
    `   policy text ${(m.policyTextBytes / 1e6).toFixed(1)} MB, compiled policy ${(m.compiledJsonBytes / 1e6).toFixed(1)} MB as JSON, its cache entry ${(m.cacheEntryBytes / 1e6).toFixed(1)} MB (read in parts)`,
  );
  lines.push(
    `   cold = first evaluateCommand in a fresh process, median of ${COLD_REPS}; load = loadPolicy from the warm cache there,`,
  );
  lines.push(
    "   entry vouched for by the stat index (the everyday path): stat the policy and the entry, read the entry's header",
  );
  const w = [22, 6, 11, 11, 13, 13, 13, 6];
  lines.push(
    row(
      [
        "command",
        "rules",
        "cold eval",
        "cold load",
        "load + eval",
        "1st in-proc",
        `warm (×${EVAL_REPS})`,
        "",
      ],
      w,
    ),
  );
  for (const e of m.evaluations) {
    lines.push(
      row(
        [
          e.name,
          String(e.rulesMatched),
          f(e.coldEvalMs, 2),
          f(e.coldLoadPolicyMs, 1),
          f(e.coldLoadPlusEvalMs, 1),
          f(e.firstInProcessMs, 2),
          f(e.warm.median, 3),
          verdict(e.pass),
        ],
        w,
      ),
    );
  }
  lines.push(
    `   target: cold eval ≤ ${m.target} ms (rule index + matching in a fresh process)  ${verdict(m.evaluations.every((e) => e.pass))}`,
  );
  lines.push(
    `   target: cached-policy load in a fresh process ≤ ${m.loadTarget} ms: median ${f(m.cachedLoadMs, 1)} of ${COLD_REPS * m.evaluations.length}  ${verdict(m.cachedLoadMs <= m.loadTarget)}`,
  );
  lines.push(
    `   without the stat index (first run after a change: hash the policy text, check the entry's seal): median ${f(m.unindexedLoadMs, 1)} of 3`,
  );
  const c = m.cliEndToEnd;
  lines.push(
    `   CLI end to end, ${c.command}, median of ${c.runs}: ${f(c.generatedPolicyMs)} on this policy vs ${f(c.bundledPolicyMs)} on the bundled one`,
  );
  lines.push(
    `   → ${f(c.extraForGeneratedRulesMs)} per invocation for ${m.rules.toLocaleString("en")} rules (the cached entry's header, index lookups, match)`,
  );
  lines.push("");
  lines.push("3. Diff, in a fresh process per size (0.1% removed, 0.1% added, 0.1% changed)");
  const w3 = [12, 11, 11, 10, 12, 12, 12, 8, 6];
  lines.push(
    row(
      ["entries", "median", "first", "target", "JSON (both)", "heap +", "RSS +", "× JSON", ""],
      w3,
    ),
  );
  for (const x of d.sizes) {
    lines.push(
      row(
        [
          x.entries.toLocaleString("en"),
          f(x.diff.median),
          f(x.diff.firstMs),
          `≤ ${x.targetMs} ms`,
          mb(x.jsonBytes),
          mb(x.heapGrowthBytes),
          mb(x.rssGrowthBytes),
          x.memoryFactor.toFixed(2),
          verdict(x.pass),
        ],
        w3,
      ),
    );
  }
  lines.push(
    `   memory target: the larger of heap and RSS growth during the first diff ≤ ${TARGET_MEMORY_FACTOR}× the two snapshots' JSON; verifyExpectations on the result: ${d.sizes.map((x) => f(x.verifyMs, 2)).join(", ")}`,
  );
  lines.push(...renderResolvers(r.resolvers, (v) => f(v, 2), row));
  lines.push("");
  lines.push(
    "Targets are reported, not enforced: the exit code only says whether the benchmark ran.",
  );
  return `${lines.join("\n")}\n`;
}

function row(cells, widths) {
  return `   ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("")}`;
}

function mb(bytes) {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

function f(value, digits = 1) {
  return `${value.toFixed(digits)} ms`;
}

// --- helpers --------------------------------------------------------------------------------

function stats(samples, digits = 2) {
  const sorted = [...samples].sort((a, b) => a - b);
  const pick = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return {
    median: round(median(sorted), digits),
    p90: round(pick(0.9), digits),
    min: round(sorted[0], digits),
    max: round(sorted[sorted.length - 1], digits),
  };
}

function median(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function ms(nanoseconds) {
  return Number(nanoseconds) / 1e6;
}

function round(value, digits = 2) {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

function distUrl(path) {
  return pathToFileURL(join(DIST, path)).href;
}

/**
 * The functions measured, from the built library bundle (dist/lib.js) when the build makes
 * one, else from the module-per-file build (tsc's dist/policy/load.js and so on).
 */
async function loadCore() {
  if (core) return core;
  const t0 = process.hrtime.bigint();
  if (existsSync(join(DIST, "lib.js"))) {
    const lib = await import(distUrl("lib.js"));
    core = { ...pick(lib), from: "dist/lib.js" };
  } else if (existsSync(join(DIST, "policy", "load.js"))) {
    core = {
      ...(await import(distUrl("policy/load.js"))),
      ...(await import(distUrl("run/evaluate.js"))),
      ...(await import(distUrl("diff/diff.js"))),
      ...(await import(distUrl("diff/expect.js"))),
    };
    core = { ...pick(core), from: "dist/{policy/load,run/evaluate,diff/diff,diff/expect}.js" };
  } else {
    fail(`no build in ${DIST}: run npm run build first`);
  }
  core.importMs = ms(process.hrtime.bigint() - t0);
  for (const name of [
    "compilePolicyTexts",
    "loadPolicy",
    "evaluateCommand",
    "diffSnapshots",
    "verifyExpectations",
  ]) {
    if (typeof core[name] !== "function") fail(`${core.from} does not export ${name}`);
  }
  return core;
}

function pick(mod) {
  const { compilePolicyTexts, loadPolicy, evaluateCommand, diffSnapshots, verifyExpectations } =
    mod;
  return { compilePolicyTexts, loadPolicy, evaluateCommand, diffSnapshots, verifyExpectations };
}

function safeReaddir(dir) {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function fail(message) {
  throw new BenchError(message);
}

// --- entry ----------------------------------------------------------------------------------

try {
  if (process.argv[2] === "--cold-eval") await coldEvalChild(process.argv[3]);
  else if (process.argv[2] === "--diff-child") await diffChild(process.argv[3]);
  else if (process.argv[2] === "--resolver-child") resolverChild(process.argv[3]);
  else await main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(
    `bench: ${error instanceof BenchError ? error.message : (error?.stack ?? String(error))}\n`,
  );
  process.exitCode = 2;
}
