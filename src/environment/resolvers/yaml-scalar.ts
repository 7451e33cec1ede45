/**
 * Scalars and keys of the plain block YAML the fast reader accepts (block-yaml.ts), read as
 * the `yaml` package reads them with its default YAML 1.2 core schema. Anything else throws
 * OutOfSubset, and the file is parsed by the `yaml` package instead.
 *
 * Written for the first reading of a file, before the JIT has compiled anything: a value that
 * starts with a letter (names, URLs, base64, tokens) is settled with a few character checks;
 * the number patterns run only on values that could be numbers, and the rare forms (quotes,
 * escapes, comments) sit in functions of their own, compiled only when a file has them.
 */

/** Thrown where the text leaves the subset; not an Error, so throwing it costs no stack trace. */
export class OutOfSubset {}

/** A space or a tab: YAML's blanks (other white space is text). */
export function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}

/** A letter or `/`: a plain scalar that is text, unless it spells null, true or false. */
export function startsWord(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 47;
}

/** A plain (unquoted) scalar, its comment and surrounding blanks removed. */
export function plainScalar(text: string): unknown {
  // `a: b: c` and `a: b:` are nested mappings in YAML.
  if (text.indexOf(":") !== -1 && hasMappingColon(text)) throw new OutOfSubset();
  if (startsWord(text.charCodeAt(0))) return text.length <= 5 ? word(text) : text;
  return otherScalar(text);
}

/**
 * The JavaScript key the yaml package makes of a plain key: the scalar's value as text
 * (`1.0:` is "1", `True:` is "true", `null:` is ""), as its toJS does for plain objects.
 */
export function plainKey(text: string): string {
  const value = plainScalar(text);
  if (value === null) return "";
  return typeof value === "string" ? value : String(value);
}

/** A `:` followed by a blank or ending the text. */
function hasMappingColon(text: string): boolean {
  let at = text.indexOf(":");
  while (at !== -1) {
    if (at === text.length - 1 || isBlank(text.charCodeAt(at + 1))) return true;
    at = text.indexOf(":", at + 1);
  }
  return false;
}

function word(text: string): unknown {
  if (text === "null" || text === "Null" || text === "NULL") return null;
  if (text === "true" || text === "True" || text === "TRUE") return true;
  if (text === "false" || text === "False" || text === "FALSE") return false;
  return text;
}

/** `{[]},&*!|>%@` and the backquote: reserved or flow indicators, never a plain scalar's first character. */
const FORBIDDEN_FIRST = "[]{},&*!|>%@`";

/** A plain scalar that does not start with a letter: a number, null, or text. */
function otherScalar(text: string): unknown {
  const c = text.charCodeAt(0);
  if (FORBIDDEN_FIRST.includes(text[0] ?? "")) {
    // kubectl writes `preferences: {}`; other flow collections are left to the yaml package.
    if (text === "{}") return {};
    if (text === "[]") return [];
    throw new OutOfSubset();
  }
  // `- `, `? ` and `: ` start structures, not scalars.
  if ((c === 45 || c === 63 || c === 58) && (text.length === 1 || isBlank(text.charCodeAt(1)))) {
    throw new OutOfSubset();
  }
  if (text === "~") return null;
  if (/^[-+]?[0-9]+$/.test(text)) return Number(text);
  if (/^0o[0-7]+$/.test(text)) return Number.parseInt(text.slice(2), 8);
  if (/^0x[0-9a-fA-F]+$/.test(text)) return Number.parseInt(text.slice(2), 16);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/.test(text)) return Number(text);
  if (/^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$/.test(text)) throw new OutOfSubset();
  return text;
}

/** Where the quoted scalar that starts `text` ends (the closing quote), or -1. */
export function quotedEnd(text: string): number {
  const quote = text.charCodeAt(0);
  for (let i = 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quote === 34 && c === 92) i++;
    else if (c === quote) {
      if (quote === 39 && text.charCodeAt(i + 1) === 39) i++;
      else return i;
    }
  }
  return -1;
}

/** A quoted value written after `key: ` or `- `, which may be followed only by a comment. */
export function quotedValue(text: string): string {
  const end = quotedEnd(text);
  if (end === -1) throw new OutOfSubset();
  if (end !== text.length - 1 && !/^[ \t]*(?:[ \t]#.*)?$/.test(text.slice(end + 1))) {
    throw new OutOfSubset();
  }
  return quotedScalar(text.slice(0, end + 1));
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

/** A whole quoted scalar, quotes included. */
export function quotedScalar(text: string): string {
  if (quotedEnd(text) !== text.length - 1) throw new OutOfSubset();
  const body = text.slice(1, -1);
  if (text.charCodeAt(0) === 39) return body.replace(/''/g, "'");
  return body.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, e: string) => {
    if (e.length === 5) return String.fromCharCode(Number.parseInt(e.slice(1), 16));
    const c = ESCAPES[e];
    if (c === undefined) throw new OutOfSubset();
    return c;
  });
}

/** A plain value with a `#` in it: the comment (a `#` after a blank) and the blanks before it removed. */
export function withoutComment(text: string, hash: number): string {
  let at = hash;
  while (at !== -1 && !isBlank(text.charCodeAt(at - 1))) at = text.indexOf("#", at + 1);
  return trimBlanksEnd(at === -1 ? text : text.slice(0, at));
}

/** Trailing spaces and tabs removed. */
export function trimBlanksEnd(text: string): string {
  let end = text.length;
  while (end > 0 && isBlank(text.charCodeAt(end - 1))) end--;
  return end === text.length ? text : text.slice(0, end);
}
