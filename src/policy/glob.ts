/**
 * Shell-style globs for policy values: `*`, `?`, `[abc]`, `[!abc]`, `{a,b}`, and `\` to
 * escape. A glob matches the whole value. Compiled once and cached, because matching runs
 * against every rule on every command.
 */

const cache = new Map<string, RegExp>();

export class GlobError extends Error {}

export function isGlob(pattern: string): boolean {
  return /[*?[{\\]/.test(pattern);
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
  return globToRegExp(pattern).test(value);
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
