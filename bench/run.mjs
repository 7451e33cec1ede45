#!/usr/bin/env node
/**
 * preflight's benchmark (`npm run bench`, which builds first). Three measurements, side by
 * side in one run, against DESIGN.md's performance budget:
 *
 *   1. start-up: the median wall time of `preflight run -- true` on the bundled policy
 *      against `node -e 0`, interleaved so machine noise hits both; target ratio <= 1.5 (with
 *      Node spawning `true` and nothing else as a reference: the floor for any Node wrapper);
 *   2. matching: a generated 10,000-rule policy, evaluated cold in a fresh process (what one
 *      CLI invocation pays, rule index included) and warm; target <= 50 ms;
 *   3. diffing: before/after snapshots of 100,000 entries, and verifying expectations.
 *
 * Options: --runs N (start-up pairs, default 30), --json (stdout gets one JSON object of every
 * figure; the table goes to stderr). Missed targets are reported as FAIL but do not change the
 * exit code, because machines vary; the exit code is non-zero only if the benchmark breaks.
 *
 * Plain ESM over Node built-ins, importing the built modules from ../dist.
 */
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
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

const TARGET_RATIO = 1.5;
const TARGET_MATCH_MS = 50;
const RULE_COUNT = 10_000;
const DIFF_ENTRIES = 100_000;
const EVAL_REPS = 200;
const DIFF_REPS = 5;
const COLD_REPS = 5;
const E2E_RUNS = 10;

/** A problem the benchmark reports as a message, not a stack trace. */
class BenchError extends Error {}

// --- hidden child mode: one cold evaluation in a fresh process --------------------------------

/**
 * What one CLI invocation pays to match, measured in a fresh process: loadPolicy on the warm
 * cache (read and hash the policy text, read and parse the compiled JSON), then the first
 * evaluateCommand, which builds the rule index, compiles the globs it needs and matches, with
 * a cold JIT. Module loading is excluded here: start-up (section 1) measures it.
 */
async function coldEvalChild(request) {
  const { loadPolicy, evaluateCommand, from } = await loadCore();
  // dist/lib.js imports yaml and zod eagerly, which a CLI run on a warm cache never loads;
  // left on the heap they make V8 finish a major GC inside the evaluation (about 4x slower on
  // a 2-CPU machine). Collect first, so the figure is what a CLI run pays.
  if (from === "dist/lib.js") globalThis.gc?.();
  const { policyFile, cacheDir, argv } = JSON.parse(request);
  const t0 = process.hrtime.bigint();
  const { policy } = await loadPolicy({
    explicit: [policyFile],
    env: { PREFLIGHT_CACHE_DIR: cacheDir },
    cwd: dirname(policyFile),
    home: dirname(policyFile),
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
  const envFor = cliEnv;
  const warmCache = join(work, "cache");
  const warmEnv = envFor(warmCache);
  const preflight = [NODE, [BIN, "run", "--", "true"]];
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

  // One checked run first, so a broken build fails loudly instead of timing an error.
  const check = spawnSync(preflight[0], preflight[1], { cwd, env: warmEnv, encoding: "utf8" });
  if (check.status !== 0) {
    fail(
      `\`preflight run -- true\` exited ${check.status ?? check.signal}:\n${check.stderr}${check.stdout}`,
    );
  }
  log(`start-up: warming up, then ${runs} interleaved runs of each…`);
  for (let i = 0; i < 3; i++) {
    time(preflight, cwd, warmEnv);
    time(bare, cwd, warmEnv);
    time(floor, cwd, warmEnv);
    time(hook, cwd, warmEnv);
  }
  const cached = safeReaddir(warmCache).filter((f) => /^policy-.*\.json$/.test(f)).length;
  if (cached === 0) log("warning: the compiled-policy cache is still empty after the warm-up");

  const samples = { preflight: [], node: [], floor: [], hook: [] };
  const commands = { preflight, node: bare, floor, hook };
  for (let i = 0; i < runs; i++) {
    // Alternate the order, so none always runs right after the same other one.
    const order =
      i % 2 === 0 ? ["preflight", "node", "floor", "hook"] : ["hook", "floor", "node", "preflight"];
    for (const name of order) samples[name].push(time(commands[name], cwd, warmEnv));
  }

  // Cold: an empty cache folder, so the policy is parsed and validated (yaml + zod) and the
  // cache written. Three runs, each with its own empty folder; the median is reported.
  const coldMs = [];
  for (let i = 0; i < 3; i++) {
    const dir = join(work, `cold-cache-${i}`);
    coldMs.push(time(preflight, cwd, envFor(dir)));
    time(bare, cwd, warmEnv);
  }

  const pf = stats(samples.preflight);
  const nd = stats(samples.node);
  const fl = stats(samples.floor);
  const ratio = pf.median / nd.median;
  return {
    runs,
    cache: "warm (compiled-policy cache filled by the warm-up: the everyday path)",
    compiledPoliciesCached: cached,
    preflight: pf,
    node: nd,
    overheadMs: round(pf.median - nd.median),
    ratio: round(ratio, 3),
    target: TARGET_RATIO,
    pass: ratio <= TARGET_RATIO,
    spawnTrueReference: { ...fl, ratioToNode: round(fl.median / nd.median, 3) },
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
  return cwd;
}

/** A clean environment for CLI runs: no PREFLIGHT_POLICY, no NODE_OPTIONS, nothing from npm. */
function cliEnv(cacheDir) {
  const env = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: join(work, "home"),
    NO_COLOR: "1",
    PREFLIGHT_AUDIT_LOG: join(work, "audit.jsonl"),
    PREFLIGHT_CACHE_DIR: cacheDir,
  };
  if (process.env.TMPDIR) env.TMPDIR = process.env.TMPDIR;
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
  const { compilePolicyTexts, loadPolicy, evaluateCommand } = await loadCore();
  const text = JSON.stringify(generatePolicy(RULE_COUNT), null, 1);

  let t0 = process.hrtime.bigint();
  const policy = await compilePolicyTexts([{ file: "generated.yaml", text }]);
  const compileMs = ms(process.hrtime.bigint() - t0);
  if (policy.rules.length !== RULE_COUNT)
    fail(`compiled ${policy.rules.length} rules, not ${RULE_COUNT}`);

  // The same policy as a file, loaded once through loadPolicy to fill a compiled-policy cache,
  // as a CLI run would on its first use of the policy.
  const policyFile = join(work, "generated.yaml");
  const cacheDir = join(work, "generated-cache");
  writeFileSync(policyFile, text);
  t0 = process.hrtime.bigint();
  await loadPolicy({
    explicit: [policyFile],
    env: { PREFLIGHT_CACHE_DIR: cacheDir },
    cwd: work,
    home: work,
  });
  const loadColdMs = ms(process.hrtime.bigint() - t0);
  const cachedFiles = safeReaddir(cacheDir).filter((f) => f.endsWith(".json"));
  if (cachedFiles.length !== 1)
    fail(`loadPolicy left ${cachedFiles.length} files in the cache, not 1`);
  // A cache entry is the seal (an HMAC line, see src/policy/cache.ts), then the JSON.
  const cacheEntry = readFileSync(join(cacheDir, cachedFiles[0]), "utf8");
  const compiledJson = cacheEntry.slice(cacheEntry.indexOf("\n") + 1);

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

  log(`matching: ${COLD_REPS} cold evaluations of each command in fresh processes…`);
  const cold = cases.map(() => []);
  for (let round = 0; round < COLD_REPS; round++) {
    for (const [i, c] of cases.entries()) {
      const request = JSON.stringify({ policyFile, cacheDir, argv: c.argv });
      const script = fileURLToPath(import.meta.url);
      const child = spawnSync(NODE, ["--expose-gc", script, "--cold-eval", request], {
        encoding: "utf8",
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
      });
      if (child.status !== 0) fail(`cold evaluation of ${c.name} failed:\n${child.stderr}`);
      cold[i].push(JSON.parse(child.stdout));
    }
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
  // The difference is what 10,000 rules cost one invocation with the CLI's own module layout:
  // hashing the policy text, reading and parsing the compiled JSON, indexing and matching.
  log(
    `matching: ${E2E_RUNS} CLI runs on each policy (the first compiles, about as long as above)…`,
  );
  const cwd = cliCwd();
  const env = cliEnv(join(work, "cli-cache"));
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
    extraFor10kRulesMs: round(median(e2e.generated) - median(e2e.bundled)),
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
    compileMs: round(compileMs),
    loadPolicyEmptyCacheMs: round(loadColdMs),
    evaluations: rows,
    cliEndToEnd: cli,
    target: TARGET_MATCH_MS,
    pass: rows.every((r) => r.pass),
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

async function measureDiff() {
  log(`diff: ${DIFF_ENTRIES.toLocaleString("en")} entries…`);
  const { diffSnapshots, verifyExpectations } = await loadCore();

  const entry = (i) => ({
    name: `pipeline-${i}`,
    paused: i % 3 === 0,
    team: `team-${i % 50}`,
    n: i,
  });
  const beforeEntries = [];
  for (let i = 0; i < DIFF_ENTRIES; i++) beforeEntries.push(entry(i));
  // After: every 1000th removed (100), 100 new, and 100 others changed (paused flipped).
  const afterEntries = [];
  for (let i = 0; i < DIFF_ENTRIES; i++) {
    if (i % 1000 === 0) continue;
    const e = entry(i);
    if (i % 1000 === 500) e.paused = !e.paused;
    afterEntries.push(e);
  }
  for (let i = 0; i < 100; i++) afterEntries.push(entry(DIFF_ENTRIES + i));
  const snapshot = (entries) => ({ state: "pipelines", rule: "bench", key: ["name"], entries });
  const before = snapshot(beforeEntries);
  const after = snapshot(afterEntries);

  const diffMs = [];
  let diff;
  for (let i = 0; i < DIFF_REPS; i++) {
    const t0 = process.hrtime.bigint();
    diff = diffSnapshots(before, after);
    diffMs.push(ms(process.hrtime.bigint() - t0));
  }
  const counts = {
    added: diff.added.length,
    removed: diff.removed.length,
    changed: diff.changed.length,
  };
  if (counts.added !== 100 || counts.removed !== 100 || counts.changed !== 100) {
    fail(`diff found ${JSON.stringify(counts)}, expected 100 of each`);
  }

  const source = { file: "generated.yaml", line: 1, column: 1 };
  const expectations = {
    added: { kind: "limit", max: 100, only: { name: "pipeline-*" } },
    removed: { kind: "limit", max: 50, never: { team: "team-1" } },
    changed: { kind: "limit", only: { team: "team-{0,10,20,30,40}" } },
    unchanged: [{ team: "team-7" }, { name: "pipeline-99*" }],
    source,
  };
  const verifyMs = [];
  let violations;
  for (let i = 0; i < DIFF_REPS; i++) {
    const t0 = process.hrtime.bigint();
    violations = verifyExpectations(diff, expectations, "bench");
    verifyMs.push(ms(process.hrtime.bigint() - t0));
  }
  return {
    entries: DIFF_ENTRIES,
    ...counts,
    diff: { runs: DIFF_REPS, firstMs: round(diffMs[0]), ...stats(diffMs) },
    verify: { runs: DIFF_REPS, firstMs: round(verifyMs[0], 3), ...stats(verifyMs, 3) },
    violations: violations.length,
  };
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
  lines.push("   warm compiled-policy cache, filled by the warm-up: the everyday path");
  lines.push(row(["", "median", "p90", "min", "max"], [28, 10, 10, 10, 10]));
  lines.push(
    row(
      [
        "preflight run -- true",
        f(s.preflight.median),
        f(s.preflight.p90),
        f(s.preflight.min),
        f(s.preflight.max),
      ],
      [28, 10, 10, 10, 10],
    ),
  );
  lines.push(
    row(
      ["node -e 0", f(s.node.median), f(s.node.p90), f(s.node.min), f(s.node.max)],
      [28, 10, 10, 10, 10],
    ),
  );
  const sp = s.spawnTrueReference;
  lines.push(
    row(
      ["(ref) node spawning true", f(sp.median), f(sp.p90), f(sp.min), f(sp.max)],
      [28, 10, 10, 10, 10],
    ),
  );
  const hk = s.hookAllow;
  lines.push(
    row(
      ["hook claude-code (allow: ls)", f(hk.median), f(hk.p90), f(hk.min), f(hk.max)],
      [28, 10, 10, 10, 10],
    ),
  );
  lines.push(
    `   ratio of medians ${s.ratio.toFixed(2)} (target ≤ ${s.target})  ${verdict(s.pass)}   overhead ${f(s.overheadMs)}`,
  );
  lines.push(
    `   (ref: Node that only spawns \`true\` and waits is ${sp.ratioToNode.toFixed(2)}× node -e 0, the floor for any Node wrapper)`,
  );
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
    `   compile (paid once per policy change, then cached): compilePolicyTexts ${f(m.compileMs)}; loadPolicy on an empty cache ${f(m.loadPolicyEmptyCacheMs)}`,
  );
  lines.push(
    `   policy text ${(m.policyTextBytes / 1e6).toFixed(1)} MB, compiled JSON in the cache ${(m.compiledJsonBytes / 1e6).toFixed(1)} MB`,
  );
  lines.push(
    `   cold = first evaluateCommand in a fresh process, median of ${COLD_REPS}; load = loadPolicy from the warm cache there`,
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
    `   target: cold eval ≤ ${m.target} ms (rule index + matching in a fresh process)  ${verdict(m.pass)}`,
  );
  const c = m.cliEndToEnd;
  lines.push(
    `   CLI end to end, ${c.command}, median of ${c.runs}: ${f(c.generatedPolicyMs)} on this policy vs ${f(c.bundledPolicyMs)} on the bundled one`,
  );
  lines.push(
    `   → ${f(c.extraFor10kRulesMs)} per invocation for 10,000 rules (hash text, parse cached JSON, index, match)`,
  );
  lines.push("");
  lines.push(
    `3. Diff, ${d.entries.toLocaleString("en")} entries per snapshot (${d.removed} removed, ${d.added} added, ${d.changed} changed), median of ${d.diff.runs}`,
  );
  lines.push(
    `   diffSnapshots       median ${f(d.diff.median)}  (min ${f(d.diff.min)}, first ${f(d.diff.firstMs)})`,
  );
  lines.push(
    `   verifyExpectations  median ${f(d.verify.median, 3)}  (min ${f(d.verify.min, 3)}; ${d.violations} violations found)`,
  );
  lines.push('   (DESIGN.md sets no number for diffing; "fast" with 100,000 entries)');
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
  else if (process.argv[2] === "--resolver-child") resolverChild(process.argv[3]);
  else await main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(
    `bench: ${error instanceof BenchError ? error.message : (error?.stack ?? String(error))}\n`,
  );
  process.exitCode = 2;
}
