/**
 * Generated YAML for block-yaml.test.ts: files shaped like the ones kubectl, fly and the bosh
 * CLI write, with the edges of the fast reader's subset mixed in (quoted and typed keys,
 * comments, `|` blocks, odd indentation), and mutations of them (a character inserted or
 * deleted, a line indented differently or repeated) that are often no longer in the subset or
 * no longer YAML. Seeded, so a failure names a case that can be rerun.
 */

const KEYS = [
  "name",
  "server",
  "certificate-authority-data",
  "current-context",
  "token",
  "a b",
  "a:b",
  "x.y/z",
  "1",
  "1.0",
  "0x1f",
  "-1",
  "null",
  "~",
  "true",
  "False",
  "-x",
  "'quoted'",
  "'it''s'",
  '"dq\\n"',
  '"tab\\t"',
  "a#b",
  "__proto__",
  "é",
  "k",
];

const VALUES = [
  "v",
  "https://k8s.example.com:6443",
  "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUM=",
  "x".repeat(40),
  "value with spaces",
  "a, b",
  "a:b",
  "a : b",
  "a: b",
  "x:",
  "-",
  "-x",
  "- x",
  "?",
  "? x",
  ":x",
  ": x",
  "0",
  "-0",
  "007",
  "+12",
  "1.5",
  ".5",
  "1e3",
  "0o17",
  "0x1F",
  "0x",
  ".inf",
  "-.Inf",
  ".nan",
  "1_000",
  "null",
  "Null",
  "~",
  "true",
  "TRUE",
  "no",
  "yes",
  "{}",
  "[]",
  "{a: b}",
  "[1, 2]",
  "&anchor x",
  "*alias",
  "!!str 1",
  "!tag",
  "@x",
  "`x",
  "%x",
  ",x",
  "]x",
  "'single'",
  "'it''s'",
  "''",
  '""',
  '"double \\"q\\" \\\\ \\n \\t \\u00e9"',
  '"\\x41"',
  '"unterminated',
  "'unterminated",
  "'a' b",
  "'a'#c",
  "'a' #c",
  "x #comment",
  "x#not",
  "#comment",
  "a\tb",
  "trailing   ",
  "trailing\t",
  "é ü",
  "a\u00a0",
  "|",
  "|-",
  "|+",
  "|2",
  ">",
  ">-",
  "---",
  "...",
];

const BLOCK_LINES = [
  "-----BEGIN CERTIFICATE-----",
  "MIIC",
  "  indented",
  "",
  "    ",
  "#not a comment",
  "text # with hash",
  "---",
  "%x",
  "trailing  ",
  "\ttab",
];

function pick<T>(rnd: () => number, list: readonly T[]): T {
  return list[Math.floor(rnd() * list.length)] as T;
}

/** A document as lines, in the shapes the tools write. */
export function generatedDocument(rnd: () => number): string {
  const lines: string[] = [];
  if (rnd() < 0.1) lines.push("---");
  if (rnd() < 0.2) lines.push("# written by a tool");
  if (rnd() < 0.7) map(rnd, lines, 0, 0);
  else list(rnd, lines, 0, 0);
  let text = `${lines.join("\n")}${rnd() < 0.9 ? "\n" : ""}`;
  if (rnd() < 0.1) text = text.replace(/\n/g, "\r\n");
  return text;
}

function comment(rnd: () => number): string {
  const r = rnd();
  return r < 0.06 ? " # note" : r < 0.08 ? "\t# note" : r < 0.09 ? "#x" : "";
}

function extraLines(rnd: () => number, lines: string[], indent: number): void {
  const r = rnd();
  if (r < 0.05) lines.push("");
  else if (r < 0.08) lines.push(" ".repeat(Math.floor(rnd() * (indent + 4))));
  else if (r < 0.11) lines.push(`${" ".repeat(Math.floor(rnd() * (indent + 4)))}# comment`);
}

function map(rnd: () => number, lines: string[], indent: number, depth: number): void {
  const n = 1 + Math.floor(rnd() * 4);
  const pad = " ".repeat(indent);
  for (let i = 0; i < n; i++) {
    extraLines(rnd, lines, indent);
    const key = pick(rnd, KEYS);
    const sep = rnd() < 0.05 ? " :" : ":";
    const r = rnd();
    if (depth < 3 && r < 0.2) {
      lines.push(`${pad}${key}${sep}${comment(rnd)}`);
      map(rnd, lines, indent + (rnd() < 0.8 ? 2 : 4), depth + 1);
    } else if (depth < 3 && r < 0.4) {
      lines.push(`${pad}${key}${sep}${comment(rnd)}`);
      list(rnd, lines, rnd() < 0.6 ? indent : indent + 2, depth + 1);
    } else if (r < 0.5) {
      lines.push(`${pad}${key}${sep} ${pick(rnd, ["|", "|-", "|", "| # c"])}`);
      literal(rnd, lines, indent);
    } else if (r < 0.55) {
      lines.push(`${pad}${key}${sep}${rnd() < 0.5 ? "" : "   "}`);
    } else {
      lines.push(`${pad}${key}${sep} ${pick(rnd, VALUES)}${comment(rnd)}`);
    }
  }
}

function list(rnd: () => number, lines: string[], indent: number, depth: number): void {
  const n = 1 + Math.floor(rnd() * 3);
  const pad = " ".repeat(indent);
  for (let i = 0; i < n; i++) {
    extraLines(rnd, lines, indent);
    const r = rnd();
    if (depth < 3 && r < 0.35) {
      // `- key: value` and the rest of the map under it, as kubectl writes clusters.
      const inner: string[] = [];
      map(rnd, inner, indent + 2, depth + 1);
      lines.push(`${pad}- ${inner[0]?.slice(indent + 2) ?? "k: v"}`, ...inner.slice(1));
    } else if (depth < 3 && r < 0.45) {
      lines.push(`${pad}-${comment(rnd)}`);
      map(rnd, lines, indent + 2, depth + 1);
    } else if (r < 0.5) {
      lines.push(`${pad}- - ${pick(rnd, VALUES)}`);
    } else {
      lines.push(`${pad}- ${pick(rnd, VALUES)}${comment(rnd)}`);
    }
  }
}

function literal(rnd: () => number, lines: string[], indent: number): void {
  const n = Math.floor(rnd() * 4);
  const body = indent + (rnd() < 0.8 ? 2 : 4);
  for (let i = 0; i < n; i++) {
    const line = pick(rnd, BLOCK_LINES);
    lines.push(line === "" || line === "    " ? line : `${" ".repeat(body)}${line}`);
  }
}

const INSERTED = [
  " ",
  "  ",
  "\t",
  "#",
  ":",
  "-",
  "- ",
  "'",
  '"',
  "|",
  "\n",
  "{",
  "\r",
  "&",
  "\u00a0",
];

/** The document with one or two small edits. */
export function mutated(rnd: () => number, text: string): string {
  let out = text;
  const edits = 1 + Math.floor(rnd() * 2);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rnd() * (out.length + 1));
    const r = rnd();
    if (r < 0.35) out = out.slice(0, at) + pick(rnd, INSERTED) + out.slice(at);
    else if (r < 0.55) out = out.slice(0, at) + out.slice(at + 1);
    else {
      const lines = out.split("\n");
      const i = Math.floor(rnd() * lines.length);
      const line = lines[i] ?? "";
      if (r < 0.7) lines[i] = ` ${line}`;
      else if (r < 0.85) lines[i] = line.startsWith(" ") ? line.slice(1) : line;
      else lines.splice(i, 0, line);
      out = lines.join("\n");
    }
  }
  return out;
}

/**
 * Files of the size the tools write for a real estate (as bench/resolvers.mjs builds them):
 * a kubeconfig of 20 clusters with certificate data and 20 users with long tokens, a flyrc of
 * 20 targets, a bosh config of 10 directors with certificates.
 */
export function realisticFiles(): Record<string, string> {
  const clusters = Array.from(
    { length: 20 },
    (_, i) =>
      `- cluster:\n    certificate-authority-data: ${"QUJD".repeat(300)}\n    server: https://k8s-${i}.example.com:6443\n  name: c${i}`,
  );
  const contexts = Array.from(
    { length: 20 },
    (_, i) =>
      `- context:\n    cluster: c${i}\n    namespace: ns-${i}\n    user: u${i}\n  name: ctx${i}`,
  );
  const users = Array.from(
    { length: 20 },
    (_, i) =>
      `- name: u${i}\n  user:\n    token: ${"t".repeat(800)}\n    client-key-data: "${"S0VZ".repeat(200)}"`,
  );
  const targets = Array.from(
    { length: 20 },
    (_, i) =>
      `  t${i}:\n    api: https://ci-${i}.example.com\n    team: main\n    insecure: ${i % 2 === 0}\n    token:\n      type: Bearer\n      value: ${"x".repeat(900)}`,
  );
  const directors = Array.from(
    { length: 10 },
    (_, i) =>
      `- url: https://10.0.0.${i}:25555\n  ca_cert: |\n    -----BEGIN CERTIFICATE-----\n${`    ${"Q".repeat(64)}\n`.repeat(19)}    -----END CERTIFICATE-----\n  alias: env${i}\n  username: admin\n  password: secret${i}`,
  );
  return {
    kubeconfig: `apiVersion: v1\nkind: Config\npreferences: {}\ncurrent-context: ctx7\nclusters:\n${clusters.join("\n")}\ncontexts:\n${contexts.join("\n")}\nusers:\n${users.join("\n")}\n`,
    flyrc: `targets:\n${targets.join("\n")}\n`,
    bosh: `environments:\n${directors.join("\n")}\n`,
  };
}
