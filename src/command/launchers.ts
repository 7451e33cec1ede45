/**
 * Programs that run another program named in their arguments or their own name, and what
 * each one runs: `busybox rm …` runs rm, `python3 -m awscli …` runs aws, `npx wrangler …`
 * runs wrangler, `kubectl-foo …` is `kubectl foo …`. A command is judged as the program it
 * runs, so a rule on that program applies whatever launched it.
 */
import { programName } from "./normalise.js";

export interface Launched {
  /** The command as the program it runs would see it: `["aws", "s3", "rb", …]`. */
  argv: string[];
  /** How it was launched, for the report: "busybox", "python -m awscli", "npx", "kubectl plugin". */
  how: string;
}

/** Multi-call binaries run the applet named by their first argument when called by their own name. */
export const MULTI_CALL = new Set(["busybox", "toybox"]);

/** Python modules that are a guarded CLI: `python -m awscli` is the aws CLI. */
const PYTHON_MODULES: Record<string, string> = { awscli: "aws" };

/**
 * npm packages whose command is not their own name. Any other package runs the command named
 * like it (`npx wrangler` runs wrangler, `npx @scope/kubectl` runs kubectl), which is what
 * npx does for a package with one command of that name.
 */
const NPM_PACKAGE_COMMANDS: Record<string, string> = {
  "aws-cdk": "cdk",
  "firebase-tools": "firebase",
  "netlify-cli": "netlify",
  "@railway/cli": "railway",
  "cdktf-cli": "cdktf",
};

/** Names a Python interpreter goes by, its real file included: python, python3, python3.12. */
const PYTHON = /^python[0-9.]*$/;

/** `-m` alone or after Python's flags that take no value. */
const PYTHON_MODULE_OPTION = /^-[bBdEiIOPqsSuvx]*m(.*)$/;

/** Python options that take the next word as their value (`-W error`, `-X dev`). */
const PYTHON_OPTIONS_WITH_VALUE = new Set(["-W", "-X", "--check-hash-based-pycs"]);

/**
 * What `argv` runs when `name` (argv[0]'s name as typed, or its real file's name) is a
 * launcher; undefined when it is not one or its arguments name no program.
 */
export function launchedCommand(name: string, argv: readonly string[]): Launched | undefined {
  if (MULTI_CALL.has(name)) return applet(name, argv);
  if (PYTHON.test(name)) return pythonModule(argv);
  if (name === "npx" || name === "npx-cli.js") return npxPackage(argv, "npx");
  if (name === "pnpm" || name === "pnpm.cjs" || name === "pnpm.js") return pnpmDlx(argv);
  if (name.startsWith("kubectl-") && name.length > "kubectl-".length)
    return kubectlPlugin(name, argv);
  return undefined;
}

function applet(name: string, argv: readonly string[]): Launched | undefined {
  const applet = argv[1];
  if (applet === undefined || applet.startsWith("-")) return undefined;
  return { argv: [programName(applet), ...argv.slice(2)], how: name };
}

/** `python [options] -m MODULE args…`; `-c` and a script file run code preflight cannot see. */
function pythonModule(argv: readonly string[]): Launched | undefined {
  for (let i = 1; i < argv.length; i++) {
    const word = argv[i]!;
    let module: string | undefined;
    let rest = i + 1;
    // `-m awscli`, `-mawscli`, and after flags in one word: `-Im awscli`, `-Bmawscli`.
    const flagged = PYTHON_MODULE_OPTION.exec(word);
    if (flagged) {
      module = flagged[1] || argv[i + 1];
      rest = flagged[1] ? i + 1 : i + 2;
    } else if (PYTHON_OPTIONS_WITH_VALUE.has(word)) {
      i++;
      continue;
    } else if (word.startsWith("-") && word !== "-" && word !== "-c") continue;
    if (module === undefined) return undefined;
    const program = PYTHON_MODULES[module];
    return program === undefined
      ? undefined
      : { argv: [program, ...argv.slice(rest)], how: `python -m ${module}` };
  }
  return undefined;
}

/** `npx [options] PACKAGE args…`, `npx -p PACKAGE COMMAND args…`, `npx --package=PACKAGE COMMAND…`. */
function npxPackage(argv: readonly string[], how: string, from = 1): Launched | undefined {
  let named = false;
  for (let i = from; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === "--") continue;
    if (word === "-p" || word === "--package") {
      named = true;
      i++;
      continue;
    }
    if (word.startsWith("--package=")) {
      named = true;
      continue;
    }
    if (word === "-c" || word === "--call") return undefined;
    if (word.startsWith("-")) continue;
    // With -p the package is given apart and this word is the command itself.
    const program = named ? programName(word) : packageCommand(word);
    return { argv: [program, ...argv.slice(i + 1)], how };
  }
  return undefined;
}

/** `pnpm dlx PACKAGE args…` (and `pnpm exec NAME`, which runs a local package's command). */
function pnpmDlx(argv: readonly string[]): Launched | undefined {
  const verb = argv.findIndex((word, i) => i > 0 && !word.startsWith("-"));
  if (verb === -1) return undefined;
  if (argv[verb] === "dlx") return npxPackage(argv, "pnpm dlx", verb + 1);
  if (argv[verb] === "exec") return npxPackage(argv, "pnpm exec", verb + 1);
  return undefined;
}

/** The command a package spec runs: `wrangler@3` → wrangler, `@scope/name@1` → name. */
export function packageCommand(spec: string): string {
  const at = spec.lastIndexOf("@");
  const name = at > 0 ? spec.slice(0, at) : spec;
  return NPM_PACKAGE_COMMANDS[name] ?? programName(name);
}

/**
 * kubectl runs `kubectl foo bar` as the plugin file `kubectl-foo-bar` (a `_` in the file name
 * stands for a `-` in the command), so a plugin run directly is judged as kubectl with its
 * words: a rule's arguments (`--context prod`) still find what the plugin is given.
 */
function kubectlPlugin(name: string, argv: readonly string[]): Launched {
  const words = name
    .slice("kubectl-".length)
    .split("-")
    .map((word) => word.replaceAll("_", "-"));
  return { argv: ["kubectl", ...words, ...argv.slice(1)], how: "kubectl plugin" };
}
