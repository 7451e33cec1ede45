/**
 * One schema issue in plain words: what the place holds (in the policy's terms, from
 * schema-terms.ts, or from the kind the schema expects), what the author wrote, and a hint —
 * "did you mean `deny`?" for a near miss, else an example to copy.
 */
import type { z } from "zod";
import { termAt } from "./schema-terms.js";
import { closest } from "./suggest.js";

type Issue = z.core.$ZodIssue;
type PathKey = string | number;

export interface Wording {
  message: string;
  hint?: string;
}

/** `value` is what the file holds at the issue's path (undefined when nothing is there). */
export function wordIssue(issue: Issue, value: unknown): Wording {
  const path = issue.path as PathKey[];
  const where = path.length > 1 ? `${describePath(path)}: ` : "";
  const term = termAt(path);
  const wrote = value === undefined ? "it is missing" : `you wrote ${describeValue(value)}`;
  const choices = allowedValues(issue);

  if (isShapeIssue(issue)) {
    const says = term?.says ?? genericSays(path, issue);
    const hint = hintFor(issue, value, choices, term);
    return { message: `${where}${says}; ${wrote}`, ...(hint ? { hint } : {}) };
  }
  // Issues about a value of the right kind (too small, a bad name, a rule of our own): the
  // schema's message is already ours; say what was written and point at the place.
  const own = ownMessage(issue);
  const subject = where || (path.length === 1 ? `${describePath(path)}: ` : "");
  const hint = term?.hint.replaceAll("$KEY", lastKey(path));
  return { message: `${subject}${own}; ${wrote}`, ...(hint ? { hint } : {}) };
}

/** The kind of value or the choice was wrong (rather than a limit or a rule about it). */
function isShapeIssue(issue: Issue): boolean {
  return (
    issue.code === "invalid_type" ||
    issue.code === "invalid_value" ||
    issue.code === "invalid_union"
  );
}

function hintFor(
  issue: Issue,
  value: unknown,
  choices: readonly string[],
  term: { hint: string } | undefined,
): string | undefined {
  const key = lastKey(issue.path as PathKey[]);
  if (typeof value === "string" && choices.length > 0) {
    const guess = closest(value, choices) ?? sameStem(value, choices);
    if (guess) return `did you mean \`${guess}\`? write \`${key}: ${guess}\``;
  }
  if (typeof value === "string" && /^(yes|no|on|off|true|false)$/i.test(value)) {
    if (expects(issue, "boolean"))
      return `write \`${key}: ${/^(yes|on|true)$/i.test(value) ? "true" : "false"}\` (true or false, no quotes)`;
  }
  if (term) return term.hint.replaceAll("$KEY", key);
  if (choices.length > 0) return `write one of ${choices.join(", ")}`;
  if (value === undefined) return `add \`${key}: …\``;
  return undefined;
}

/** "denied" for deny, "confirmation" for confirm: the value begins like the choice does. */
function sameStem(value: string, choices: readonly string[]): string | undefined {
  const word = value.toLowerCase();
  return choices.find((choice) => {
    const c = choice.toLowerCase();
    let shared = 0;
    while (shared < c.length && word[shared] === c[shared]) shared++;
    return shared >= Math.max(3, c.length - 1);
  });
}

/** The values an enum or a union of enums accepts. */
function allowedValues(issue: Issue): string[] {
  const found = new Set<string>();
  const visit = (i: Issue) => {
    if (i.code === "invalid_value") for (const v of i.values) found.add(String(v));
    if (i.code === "invalid_union") for (const branch of i.errors) branch.forEach(visit);
  };
  visit(issue);
  return [...found];
}

function expects(issue: Issue, kind: string): boolean {
  if (issue.code === "invalid_type") return issue.expected === kind;
  if (issue.code === "invalid_union")
    return issue.errors.some((b) => b.some((i) => expects(i, kind)));
  return false;
}

/** Without a term: the kinds the schema accepts, in plain words. */
function genericSays(path: readonly PathKey[], issue: Issue): string {
  const kinds = new Set<string>();
  const visit = (i: Issue) => {
    if (i.code === "invalid_type") kinds.add(kindWord(String(i.expected)));
    if (i.code === "invalid_value") kinds.add(i.values.map((v) => JSON.stringify(v)).join(", "));
    if (i.code === "invalid_union") for (const branch of i.errors) branch.forEach(visit);
  };
  visit(issue);
  const key = path.length ? `\`${lastKey(path)}:\`` : "the file";
  const what = [...kinds].join(", or ");
  if (issue.code === "invalid_value") return `${key} is one of ${what}`;
  return `${key} is ${what || "something else"}`;
}

function kindWord(expected: string): string {
  const words: Record<string, string> = {
    array: "a list",
    object: "a map",
    record: "a map",
    string: "text",
    number: "a number",
    int: "a whole number",
    boolean: "true or false",
    null: "empty",
  };
  return words[expected] ?? expected;
}

/** The schema's own message, with zod's defaults ("Too small: …") said in words. */
function ownMessage(issue: Issue): string {
  if (issue.code === "too_small" && /^Too small/.test(issue.message)) {
    const n = Number(issue.minimum);
    if (issue.origin === "array")
      return n === 1 ? "needs at least one entry" : `needs at least ${n} entries`;
    if (issue.origin === "string") return "must not be empty";
    return issue.inclusive === false ? `must be more than ${n}` : `must be at least ${n}`;
  }
  if (issue.code === "too_big" && /^Too big/.test(issue.message)) {
    const n = Number(issue.maximum);
    if (issue.origin === "array") return `takes at most ${n} ${n === 1 ? "entry" : "entries"}`;
    return issue.inclusive === false ? `must be less than ${n}` : `must be at most ${n}`;
  }
  if (issue.code === "invalid_key") return `the name ${issue.issues[0]?.message ?? "is not valid"}`;
  return issue.message;
}

/** A value as the author would recognise it, cut short when long. */
export function describeValue(value: unknown): string {
  if (value === null) return "nothing after the colon";
  const json = JSON.stringify(value) ?? String(value);
  const shown = json.length > 60 ? `${json.slice(0, 57)}…` : json;
  if (Array.isArray(value)) return `a list: ${shown}`;
  if (typeof value === "object") return `a map: ${shown}`;
  return shown;
}

function lastKey(path: readonly PathKey[]): string {
  for (let i = path.length - 1; i >= 0; i--) {
    const key = path[i];
    if (typeof key === "string") return key;
  }
  return "value";
}

export function describePath(path: readonly PathKey[]): string {
  if (path.length === 0) return "the file";
  return path.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? k : `.${k}`)).join("");
}
