/** The value of a placeholder such as "target" or "args.group-id", or undefined when there is none. */
export type TemplateLookup = (name: string) => string | undefined;

/** A placeholder had no value; `missing` is its name. */
export class TemplateError extends Error {
  override readonly name = "TemplateError";
  constructor(readonly missing: string) {
    super(`no value for {${missing}}`);
  }
}

type Segment = { literal: string } | { placeholder: string };

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_.-]*)\}/y;
const SAFE_UNQUOTED = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** The placeholder names in a template (a string or argv), each once, in order of appearance. */
export function placeholdersIn(template: string | readonly string[]): string[] {
  const parts = typeof template === "string" ? [template] : template;
  const names = parts.flatMap((part) =>
    segments(part).flatMap((segment) => ("placeholder" in segment ? [segment.placeholder] : [])),
  );
  return [...new Set(names)];
}

/** Fills each argv element as plain text: no shell runs it, so nothing needs quoting. */
export function fillArgv(template: readonly string[], lookup: TemplateLookup): string[] {
  return template.map((part) =>
    segments(part)
      .map((segment) => ("literal" in segment ? segment.literal : lookupValue(segment, lookup)))
      .join(""),
  );
}

/**
 * Fills an `sh -c` string. Every value is quoted for the quoting context it lands in, so a value
 * such as `x; rm -rf /` stays one literal word, inside or outside the template's own quotes.
 */
export function fillShell(template: string, lookup: TemplateLookup): string {
  let quote: "" | "'" | '"' = "";
  let filled = "";
  for (const segment of segments(template)) {
    if ("literal" in segment) {
      filled += segment.literal;
      quote = quoteAfter(segment.literal, quote);
    } else {
      // Close the template's own quote around the value, then reopen it.
      filled += quote + shellQuote(lookupValue(segment, lookup)) + quote;
    }
  }
  return filled;
}

/** Quotes one word for sh: '' when empty, bare when only safe characters, else single-quoted. */
export function shellQuote(value: string): string {
  if (value === "") return "''";
  if (SAFE_UNQUOTED.test(value)) return value;
  return `'${value.replaceAll("'", "'\\''")}'`;
}

/** An argv as one line a user could paste into a shell, for display. */
export function formatArgv(argv: readonly string[]): string {
  return argv.map(shellQuote).join(" ");
}

function lookupValue(segment: { placeholder: string }, lookup: TemplateLookup): string {
  const value = lookup(segment.placeholder);
  if (value === undefined) throw new TemplateError(segment.placeholder);
  return value;
}

/** `{name}` placeholders and literal text; `{{` and `}}` are literal braces. */
function segments(template: string): Segment[] {
  const result: Segment[] = [];
  let literal = "";
  for (let i = 0; i < template.length; ) {
    const pair = template.slice(i, i + 2);
    if (pair === "{{" || pair === "}}") {
      literal += pair.charAt(0);
      i += 2;
      continue;
    }
    PLACEHOLDER.lastIndex = i;
    const match = PLACEHOLDER.exec(template);
    if (match?.[1] === undefined) {
      literal += template.charAt(i);
      i++;
      continue;
    }
    if (literal !== "") result.push({ literal });
    literal = "";
    result.push({ placeholder: match[1] });
    i = PLACEHOLDER.lastIndex;
  }
  if (literal !== "") result.push({ literal });
  return result;
}

/** The sh quoting state after `text`, starting in `quote`. */
function quoteAfter(text: string, start: "" | "'" | '"'): "" | "'" | '"' {
  let quote = start;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (quote === "'") {
      if (c === "'") quote = "";
    } else if (c === "\\") i++;
    else if (c === quote) quote = "";
    else if (quote === "" && (c === "'" || c === '"')) quote = c;
  }
  return quote;
}
