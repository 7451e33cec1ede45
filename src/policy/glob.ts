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

export function globToRegExp(pattern: string): RegExp {
  const cached = cache.get(pattern);
  if (cached) return cached;
  const regex = new RegExp(`^(?:${translate(pattern)})$`, "s");
  cache.set(pattern, regex);
  return regex;
}

export function globMatch(pattern: string, value: string): boolean {
  if (!isGlob(pattern)) return pattern === value;
  return globToRegExp(pattern).test(value);
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
      const end = pattern.indexOf("]", i + 2);
      if (end === -1) throw new GlobError(`glob ${JSON.stringify(pattern)} has '[' without ']'`);
      let body = pattern.slice(i + 1, end);
      const negate = body.startsWith("!") || body.startsWith("^");
      if (negate) body = body.slice(1);
      out += `[${negate ? "^" : ""}${body.replace(/[\\\]^]/g, "\\$&")}]`;
      i = end;
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

function escapeRegExp(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
