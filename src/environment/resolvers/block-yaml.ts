/**
 * A fast reader for the plain block YAML that Go tools write (kubeconfig, ~/.flyrc,
 * ~/.bosh/config): maps, `-` lists, plain and quoted scalars, `|` blocks, comments. Loading
 * and warming up the full `yaml` package costs tens of milliseconds, far more than the
 * resolvers' budget; this reads the same files in well under one. Anything outside that
 * subset (flow collections, anchors, tags, folded or multi-line scalars, duplicate keys,
 * tabs) returns undefined, and the caller parses the text with the `yaml` package instead,
 * so the result is always what a full YAML parser gives (see block-yaml.test.ts).
 */

interface Line {
  indent: number;
  text: string;
  /** Empty or comment lines, kept for `|` blocks. */
  blank: boolean;
  comment?: boolean;
}

class OutOfSubset extends Error {}

export function parseBlockYaml(source: string): unknown {
  try {
    const lines = toLines(source);
    const state = { lines, i: 0 };
    skipBlank(state);
    if (state.i >= lines.length) return null;
    const value = parseNode(state, lines[state.i]!.indent);
    skipBlank(state);
    if (state.i < lines.length) throw new OutOfSubset();
    return value;
  } catch (error) {
    if (error instanceof OutOfSubset) return undefined;
    throw error;
  }
}

function toLines(source: string): Line[] {
  const lines: Line[] = [];
  for (const raw of source.split("\n")) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (/^\s*\t/.test(line)) throw new OutOfSubset();
    const text = line.trimStart();
    if (lines.length === 0 && text === "---") continue;
    if (text === "---" || text === "..." || text.startsWith("%")) throw new OutOfSubset();
    const comment = text.startsWith("#");
    const blank = text === "" || comment;
    lines.push({ indent: line.length - text.length, text: blank ? "" : text, blank, comment });
  }
  return lines;
}

type State = { lines: Line[]; i: number };

function skipBlank(state: State): void {
  while (state.i < state.lines.length && state.lines[state.i]!.blank) state.i++;
}

function parseNode(state: State, indent: number): unknown {
  const line = state.lines[state.i]!;
  if (line.indent !== indent) throw new OutOfSubset();
  return line.text === "-" || line.text.startsWith("- ")
    ? parseList(state, indent)
    : parseMap(state, indent);
}

function parseList(state: State, indent: number): unknown[] {
  const items: unknown[] = [];
  for (;;) {
    skipBlank(state);
    const line = state.lines[state.i];
    if (!line || line.indent !== indent || !(line.text === "-" || line.text.startsWith("- ")))
      break;
    const rest = line.text.slice(1).trimStart();
    if (rest === "") {
      state.i++;
      items.push(childOf(state, indent, false));
    } else if (mapKey(rest) !== undefined) {
      // `- name: x` starts a map whose keys sit where `name` does.
      const column = indent + (line.text.length - rest.length);
      state.lines[state.i] = { indent: column, text: rest, blank: false };
      items.push(parseMap(state, column));
    } else {
      state.i++;
      items.push(scalar(rest));
      noDeeper(state, indent);
    }
  }
  return items;
}

function parseMap(state: State, indent: number): Record<string, unknown> {
  const map: Record<string, unknown> = {};
  for (;;) {
    skipBlank(state);
    const line = state.lines[state.i];
    if (!line || line.indent !== indent || line.text.startsWith("- ") || line.text === "-") break;
    const key = mapKey(line.text);
    if (key === undefined || Object.hasOwn(map, key.key)) throw new OutOfSubset();
    state.i++;
    const rest = key.rest;
    if (rest === "") map[key.key] = childOf(state, indent, true);
    else if (rest === "|" || rest === "|-")
      map[key.key] = literalBlock(state, indent, rest === "|");
    else {
      map[key.key] = scalar(rest);
      noDeeper(state, indent);
    }
  }
  return map;
}

/** The value under a key or `-` written alone: a deeper block, a list at the key's own indent, or null. */
function childOf(state: State, indent: number, listMayAlign: boolean): unknown {
  skipBlank(state);
  const next = state.lines[state.i];
  if (!next) return null;
  if (next.indent > indent) return parseNode(state, next.indent);
  if (listMayAlign && next.indent === indent && (next.text === "-" || next.text.startsWith("- ")))
    return parseList(state, indent);
  return null;
}

/** A scalar written inline may not continue on deeper lines (a multi-line plain scalar). */
function noDeeper(state: State, indent: number): void {
  skipBlank(state);
  const next = state.lines[state.i];
  if (next && next.indent > indent) throw new OutOfSubset();
}

function literalBlock(state: State, indent: number, keepNewline: boolean): string {
  const body: string[] = [];
  let blockIndent: number | undefined;
  while (state.i < state.lines.length) {
    const line = state.lines[state.i]!;
    if (!line.blank && line.indent <= indent) break;
    // A `#` line inside a block is text, which this reader dropped: leave it to the yaml package.
    if (line.comment && line.indent > indent) throw new OutOfSubset();
    if (line.blank) {
      body.push("");
      state.i++;
      continue;
    }
    blockIndent ??= line.indent;
    if (line.indent < blockIndent) throw new OutOfSubset();
    body.push(" ".repeat(line.indent - blockIndent) + line.text);
    state.i++;
  }
  while (body.length > 0 && body[body.length - 1] === "") body.pop();
  const text = body.join("\n");
  return keepNewline && text !== "" ? `${text}\n` : text;
}

/** `key: rest` with a plain or quoted key; undefined when the line is not one. */
function mapKey(text: string): { key: string; rest: string } | undefined {
  if (text.startsWith('"') || text.startsWith("'")) {
    const end = quotedEnd(text);
    if (end === undefined || text[end + 1] !== ":") return undefined;
    const after = text.slice(end + 2);
    if (after !== "" && !after.startsWith(" ")) return undefined;
    return { key: String(scalar(text.slice(0, end + 1))), rest: stripComment(after.trim()) };
  }
  const m = /^([^\s#:{}[\],&*!|>'"%@`?-][^#]*?|-[^\s#:][^#]*?):(?: +(.*))?$/.exec(text);
  if (!m || m[1]!.includes(": ")) return undefined;
  return { key: m[1]!.trimEnd(), rest: stripComment((m[2] ?? "").trim()) };
}

function stripComment(rest: string): string {
  if (rest.startsWith('"') || rest.startsWith("'")) return rest;
  const at = rest.search(/\s#/);
  return at < 0 ? rest : rest.slice(0, at).trimEnd();
}

function quotedEnd(text: string): number | undefined {
  const quote = text[0];
  for (let i = 1; i < text.length; i++) {
    if (quote === '"' && text[i] === "\\") i++;
    else if (text[i] === quote) {
      if (quote === "'" && text[i + 1] === "'") i++;
      else return i;
    }
  }
  return undefined;
}

const ESCAPES: Record<string, string> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  n: "\n",
  t: "\t",
  r: "\r",
  "0": "\0",
};

function scalar(raw: string): unknown {
  const text = stripComment(raw);
  if (text.startsWith('"')) {
    if (quotedEnd(text) !== text.length - 1) throw new OutOfSubset();
    return text.slice(1, -1).replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, e: string) => {
      if (e.length === 5) return String.fromCharCode(Number.parseInt(e.slice(1), 16));
      const c = ESCAPES[e];
      if (c === undefined) throw new OutOfSubset();
      return c;
    });
  }
  if (text.startsWith("'")) {
    if (quotedEnd(text) !== text.length - 1) throw new OutOfSubset();
    return text.slice(1, -1).replace(/''/g, "'");
  }
  // kubectl writes `preferences: {}`; other flow collections are left to the yaml package.
  if (text === "{}") return {};
  if (text === "[]") return [];
  if (/^[[{&*!|>%@`]/.test(text) || text.includes(": ") || text.endsWith(":")) {
    throw new OutOfSubset();
  }
  // YAML 1.2 core schema, as the yaml package reads plain scalars by default.
  if (/^(?:~|null|Null|NULL)?$/.test(text)) return null;
  if (/^(?:true|True|TRUE)$/.test(text)) return true;
  if (/^(?:false|False|FALSE)$/.test(text)) return false;
  if (/^[-+]?[0-9]+$/.test(text)) return Number(text);
  if (/^0o[0-7]+$/.test(text)) return Number.parseInt(text.slice(2), 8);
  if (/^0x[0-9a-fA-F]+$/.test(text)) return Number.parseInt(text.slice(2), 16);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/.test(text)) return Number(text);
  if (/^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$/.test(text)) throw new OutOfSubset();
  return text;
}
