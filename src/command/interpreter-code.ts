/**
 * What a Python or Node one-liner runs (`python3 -c "import os; os.system('dropdb x')"`,
 * `node -e "require('child_process').execSync('kubectl delete ns prod')"`), read from the
 * code's literal arguments. Agents write these to get around a shell guard; every call that
 * starts a process must be read, or the code is reported as unreadable.
 */

/** One process the code starts: a shell script, or an argv run without a shell. */
export type SpawnedCommand = { script: string } | { argv: string[] };

export type InterpreterReading =
  | { ok: true; commands: SpawnedCommand[] }
  | { ok: false; reason: string };

export type Interpreter = "python" | "node";

/** `python`, `python3`, `python3.12` are Python; `node`, `nodejs` are Node. */
export function interpreterOf(program: string): Interpreter | undefined {
  if (/^python(\d+(\.\d+)?)?$/.test(program)) return "python";
  if (program === "node" || program === "nodejs") return "node";
  return undefined;
}

/** Options that take the code itself as their value. */
export const CODE_OPTIONS: Record<Interpreter, readonly string[]> = {
  python: ["-c"],
  node: ["-e", "--eval", "-p", "--print"],
};

// Every call that can start a process. A call this reader cannot pair with literal arguments
// makes the whole code unreadable: a guard that reads two calls of three is open.
const SPAWN_CALLS: Record<Interpreter, RegExp> = {
  python:
    /\b(?:os\.(?:system|popen|exec\w*|spawn\w*|posix_spawn\w*)|subprocess\.\w+|pty\.spawn)\s*\(/g,
  node: /\b(?:execSync|execFileSync|spawnSync|exec|execFile|spawn|fork)\s*\(/g,
};

// Ways to reach those calls under another name, which this reader does not follow.
const HIDDEN_CALLS: Record<Interpreter, RegExp> = {
  python:
    /\bfrom\s+(?:os|subprocess|pty)\s+import\b|\bimport\s+(?:os|subprocess|pty)\s+as\b|__import__|importlib|\bgetattr\s*\(|\b(?:exec|eval|compile)\s*\(/,
  node: /\b(?:execSync|execFileSync|spawnSync|exec|execFile|spawn|fork)\s*:|\[\s*['"`](?:execSync|execFileSync|spawnSync|exec|execFile|spawn|fork)|\beval\s*\(|\bFunction\s*\(|\bimport\s*\(/,
};

// Node code that loads child_process but calls nothing this reader knows may call it by alias.
const CHILD_PROCESS = /child_process/;

const PY_SHELL_CALLS = /\bos\.(?:system|popen)\s*\(\s*/g;
const PY_SUBPROCESS_CALLS =
  /\bsubprocess\.(?:run|call|check_call|check_output|Popen|getoutput|getstatusoutput)\s*\(\s*/g;
const NODE_SHELL_CALLS = /\b(?:execSync|exec)\s*\(\s*/g;
const NODE_ARGV_CALLS = /\b(?:execFileSync|spawnSync|execFile|spawn)\s*\(\s*/g;

/** The commands `code` starts, or why it cannot be told. */
export function readInterpreterCode(language: Interpreter, code: string): InterpreterReading {
  const name = language === "python" ? "Python" : "Node";
  if (HIDDEN_CALLS[language].test(code)) {
    return {
      ok: false,
      reason: `the ${name} code reaches a function under another name (an alias, eval, a computed name), so what it runs cannot be read`,
    };
  }
  const calls = [...code.matchAll(SPAWN_CALLS[language])].length;
  const read = language === "python" ? readPython(code) : readNode(code);
  if (!read.ok) return read;
  if (read.commands.length < calls) {
    return {
      ok: false,
      reason: `the ${name} code starts a process in a way preflight cannot read (only os.system, os.popen, subprocess.* and exec/execSync/spawn/execFile with literal arguments are read)`,
    };
  }
  if (calls === 0 && language === "node" && CHILD_PROCESS.test(code)) {
    return {
      ok: false,
      reason: "the Node code loads child_process but starts nothing preflight can read",
    };
  }
  return read;
}

function readPython(code: string): InterpreterReading {
  const commands: SpawnedCommand[] = [];
  for (const call of code.matchAll(PY_SHELL_CALLS)) {
    const arg = readLiteral(code, call.index + call[0].length, "python");
    if (typeof arg !== "string") return unreadable("os.system/os.popen");
    commands.push({ script: arg });
  }
  for (const call of code.matchAll(PY_SUBPROCESS_CALLS)) {
    const at = call.index + call[0].length;
    const arg = readLiteral(code, at, "python");
    if (arg === undefined) return unreadable("subprocess");
    const rest = code.slice(at);
    const viaShell =
      /^[^)]*\bshell\s*=\s*True\b/.test(rest) || /getoutput|getstatusoutput/.test(call[0]);
    if (typeof arg === "string") commands.push(viaShell ? { script: arg } : { argv: [arg] });
    else commands.push(viaShell ? { script: arg.join(" ") } : { argv: arg });
  }
  return { ok: true, commands };
}

function readNode(code: string): InterpreterReading {
  const commands: SpawnedCommand[] = [];
  for (const call of code.matchAll(NODE_SHELL_CALLS)) {
    const arg = readLiteral(code, call.index + call[0].length, "node");
    if (typeof arg !== "string") return unreadable("exec/execSync");
    commands.push({ script: arg });
  }
  for (const call of code.matchAll(NODE_ARGV_CALLS)) {
    let at = call.index + call[0].length;
    const program = readLiteral(code, at, "node");
    if (typeof program !== "string") return unreadable("spawn/execFile");
    at = skipLiteral(code, at);
    const comma = /^\s*,\s*/.exec(code.slice(at));
    const args = comma ? readLiteral(code, at + comma[0].length, "node") : [];
    if (!Array.isArray(args)) return unreadable("spawn/execFile");
    const rest = code.slice(at);
    if (/^[^)]*\bshell\s*:\s*true\b/.test(rest))
      commands.push({ script: [program, ...args].join(" ") });
    else commands.push({ argv: [program, ...args] });
  }
  return { ok: true, commands };
}

function unreadable(what: string): InterpreterReading {
  return {
    ok: false,
    reason: `the command given to ${what} is not a plain string or list of strings`,
  };
}

/** A string literal or a list of string literals at `at`; undefined for anything else. */
function readLiteral(
  code: string,
  at: number,
  language: Interpreter,
): string | string[] | undefined {
  const c = code[at];
  if (c === "[") {
    const items: string[] = [];
    let k = at + 1;
    for (;;) {
      k = skipSpace(code, k);
      if (code[k] === "]") return items;
      const item = readString(code, k, language);
      if (!item) return undefined;
      items.push(item.value);
      k = skipSpace(code, item.end);
      if (code[k] === ",") k++;
      else if (code[k] !== "]") return undefined;
    }
  }
  return readString(code, at, language)?.value;
}

function skipLiteral(code: string, at: number): number {
  return readString(code, at, "node")?.end ?? at;
}

function skipSpace(code: string, at: number): number {
  let k = at;
  while (/\s/.test(code[k] ?? "")) k++;
  return k;
}

/** A quoted string with no interpolation: 'x', "x", r'x', `x` (Node, without ${}). */
function readString(
  code: string,
  at: number,
  language: Interpreter,
): { value: string; end: number } | undefined {
  let k = at;
  let raw = false;
  if (language === "python" && /[rRuU]/.test(code[k] ?? "") && /['"]/.test(code[k + 1] ?? "")) {
    raw = /[rR]/.test(code[k] ?? "");
    k++;
  }
  const quote = code[k];
  if (quote !== "'" && quote !== '"' && !(language === "node" && quote === "`")) return undefined;
  const triple = language === "python" && code.startsWith(quote.repeat(3), k);
  const close = triple ? quote.repeat(3) : quote;
  k += close.length;
  let value = "";
  for (;;) {
    if (k >= code.length) return undefined;
    if (code.startsWith(close, k)) return { value, end: k + close.length };
    const c = code[k]!;
    if (quote === "`" && c === "$" && code[k + 1] === "{") return undefined;
    if (c === "\\" && !raw) {
      const next = code[k + 1] ?? "";
      value += next === "n" ? "\n" : next === "t" ? "\t" : next;
      k += 2;
      continue;
    }
    value += c;
    k++;
  }
}
