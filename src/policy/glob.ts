/**
 * Shell-style globs for policy values: `*`, `?`, `[abc]`, `[!abc]`, `{a,b}`, and `\` to
 * escape. A glob matches the whole value. Compiled once and cached, because matching runs
 * against every rule on every command.
 */

const cache = new Map<string, RegExp>();

export class GlobError extends Error {}

export function isGlob(pattern: string): boolean {
  // A loop, not a regular expression: V8 compiles each one on first use, and this runs on
  // the unguarded path (0.04 ms).
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charCodeAt(i);
    if (c === 42 || c === 63 || c === 91 || c === 123 || c === 92) return true; // * ? [ { \
  }
  return false;
}

export function globToRegExp(pattern: string, ignoreCase = false): RegExp {
  const cacheKey = ignoreCase ? `i:${pattern}` : pattern;
  const cached = cache.get(cacheKey);
  if (cached) return cached;
  const source = translate(pattern);
  let regex: RegExp;
  try {
    regex = new RegExp(`^(?:${source})$`, ignoreCase ? "si" : "s");
  } catch (error) {
    // e.g. a reversed range, [z-a]
    throw new GlobError(
      `glob ${JSON.stringify(pattern)} is not valid (${(error as Error).message})`,
    );
  }
  cache.set(cacheKey, regex);
  return regex;
}

/** A glob that matches `value` literally: what a command gave must not widen a selector. */
export function escapeGlob(value: string): string {
  return value.replace(/[\\*?[\]{},]/g, "\\$&");
}

/** Whether `value` matches the glob `pattern` exactly (case-sensitive). */
export function globMatch(pattern: string, value: string): boolean {
  if (!isGlob(pattern)) return pattern === value;
  const strings = literalAlternatives(pattern);
  if (strings) return strings.has(value);
  return globToRegExp(pattern).test(value);
}

const alternativesCache = new Map<string, Set<string> | null>();
/** More strings than this and the regular expression is the cheaper test. */
const MAX_ALTERNATIVES = 256;

/**
 * The strings a glob of only literals and braces stands for (`{destroy-pipeline,dp}`, a
 * rule's usual arguments), so that matching it is a set lookup: building its regular
 * expression and having V8 compile it costs 0.2 ms the first time, on the unguarded path of
 * every command such a rule's program runs. Null for anything else (`*`, `?`, `[`, `\`, a
 * `{` without its `}`, too many strings), which globToRegExp handles as before, errors
 * included. As there: `,` and `}` outside braces are literal; braces nest.
 */
function literalAlternatives(pattern: string): Set<string> | null {
  let known = alternativesCache.get(pattern);
  if (known === undefined) {
    let at = 0;
    // The strings of a sequence up to the end (outside braces) or to its `,` or `}` (inside).
    const sequence = (inside: boolean): string[] | null => {
      let strings = [""];
      while (at < pattern.length) {
        const c = pattern[at]!;
        if (c === "*" || c === "?" || c === "[" || c === "\\") return null;
        if (inside && (c === "," || c === "}")) return strings;
        at++;
        if (c !== "{") {
          strings = strings.map((s) => s + c);
          continue;
        }
        const options: string[] = [];
        for (;;) {
          const option = sequence(true);
          if (option === null || at >= pattern.length) return null;
          options.push(...option);
          if (pattern[at++] === "}") break;
        }
        strings = strings.flatMap((s) => options.map((o) => s + o));
        if (strings.length > MAX_ALTERNATIVES) return null;
      }
      return inside ? null : strings;
    };
    const strings = sequence(false);
    known = strings && new Set(strings);
    alternativesCache.set(pattern, known);
  }
  return known;
}

/**
 * For environment detection: `DB.PROD.INTERNAL` is the same host as `db.prod.internal`, and
 * `PROD` the same target as `prod`. Guessing a case-variant as unknown would make it easier to
 * reach production, never harder.
 */
export function globMatchIgnoringCase(pattern: string, value: string): boolean {
  if (!isGlob(pattern)) return pattern.toLowerCase() === value.toLowerCase();
  return globToRegExp(pattern, true).test(value);
}

function translate(pattern: string): string {
  let out = "";
  let braceDepth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "\\") {
      const next = pattern[++i];
      if (next === undefined) throw new GlobError(`glob ${JSON.stringify(pattern)} ends with '\\'`);
      out += escapeRegExp(next);
    } else if (c === "*") {
      out += ".*";
    } else if (c === "?") {
      out += ".";
    } else if (c === "[") {
      const set = readSet(pattern, i);
      out += set.regex;
      i = set.end;
    } else if (c === "{") {
      braceDepth++;
      out += "(?:";
    } else if (c === "," && braceDepth > 0) {
      out += "|";
    } else if (c === "}" && braceDepth > 0) {
      braceDepth--;
      out += ")";
    } else {
      out += escapeRegExp(c);
    }
  }
  if (braceDepth > 0) throw new GlobError(`glob ${JSON.stringify(pattern)} has '{' without '}'`);
  return out;
}

/**
 * A `[...]` set starting at `start`: `!` or `^` negates, a `]` first is a member (POSIX), and
 * `\` escapes the next character. Returns the regex class and the index of the closing `]`.
 */
function readSet(pattern: string, start: number): { regex: string; end: number } {
  let i = start + 1;
  const negate = pattern[i] === "!" || pattern[i] === "^";
  if (negate) i++;
  let body = "";
  for (let first = true; i < pattern.length; i++, first = false) {
    const c = pattern[i]!;
    if (c === "]" && !first) return { regex: `[${negate ? "^" : ""}${body}]`, end: i };
    if (c === "\\") {
      const next = pattern[++i];
      if (next === undefined) break;
      body += next === "-" ? "\\-" : escapeRegExp(next);
    } else if (c === "-") {
      body += "-";
    } else {
      body += escapeRegExp(c);
    }
  }
  throw new GlobError(`glob ${JSON.stringify(pattern)} has '[' without ']'`);
}

function escapeRegExp(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
