/**
 * A fast reader for the plain block YAML that Go tools write (kubeconfig, ~/.flyrc,
 * ~/.bosh/config): maps, `-` lists, plain and quoted scalars, `|` blocks, comments. Loading
 * and warming up the full `yaml` package costs tens of milliseconds, far more than the
 * resolvers' budget. Anything outside that subset (flow collections, anchors, tags, folded or
 * multi-line scalars, duplicate keys, tabs in indentation) returns undefined, and the caller
 * parses the text with the `yaml` package instead, so the result is always what a full YAML
 * parser gives (block-yaml.test.ts compares the two on generated and mutated files).
 *
 * It runs once per file, before the JIT has compiled anything, so it walks the text with a
 * cursor holding one line's offsets (native indexOf, no array of lines), slices only keys and
 * values, and a value costs one slice and a few character checks however long it is
 * (certificates, tokens).
 */
import {
  isBlank,
  OutOfSubset,
  plainKey,
  plainScalar,
  quotedEnd,
  quotedScalar,
  quotedValue,
  startsWord,
  trimBlanksEnd,
  withoutComment,
} from "./yaml-scalar.js";

export function parseBlockYaml(source: string): unknown {
  try {
    return new BlockReader(source).document();
  } catch (error) {
    if (error instanceof OutOfSubset) return undefined;
    throw error;
  }
}

const SPACE = 32;
const HASH = 35;
const DASH = 45;

class BlockReader {
  private readonly src: string;
  /** Where the line after the current one starts; past the end once the text is read. */
  private nextAt = 0;
  /** The current line: past the end of the text, blank or a comment, or text at `indent`. */
  private eof = false;
  private blank = false;
  private comment = false;
  private indent = 0;
  /** The current line's text after its indentation: src[start, end). */
  private start = 0;
  private end = 0;
  /** Set by readKey: the key, and where its value starts on the line (-1: none, or only a comment). */
  private key = "";
  private valueAt = -1;

  constructor(source: string) {
    let src = source;
    if (src.includes("\r")) {
      src = src.replace(/\r\n/g, "\n");
      // A lone CR is a line break in YAML and text here: leave it to the yaml package.
      if (src.includes("\r")) throw new OutOfSubset();
    }
    this.src = src;
  }

  document(): unknown {
    // A `---` line alone at the very start opens the one document.
    if (this.src.startsWith("---") && (this.src.length === 3 || this.src.charCodeAt(3) === 10)) {
      this.nextAt = 4;
    }
    this.next();
    this.skipBlank();
    if (this.eof) return null;
    const value = this.node(this.indent);
    this.skipBlank();
    if (!this.eof) throw new OutOfSubset();
    return value;
  }

  /** Moves to the following line. */
  private next(): void {
    const src = this.src;
    const at = this.nextAt;
    if (at > src.length) {
      this.eof = true;
      this.blank = true;
      this.indent = -1;
      return;
    }
    let end = src.indexOf("\n", at);
    if (end === -1) end = src.length;
    this.nextAt = end + 1;
    let start = at;
    while (src.charCodeAt(start) === SPACE) start++;
    this.indent = start - at;
    this.start = start;
    this.end = end;
    const c = start === end ? -1 : src.charCodeAt(start);
    this.comment = c === HASH;
    this.blank = c === -1 || c === HASH;
    if (
      c === 9 ||
      c > 126 ||
      (c < 32 && c !== -1) ||
      // `---`, `...` and `%` at the start of a line: markers and directives.
      (start === at && (c === 37 || ((c === DASH || c === 46) && src.charCodeAt(at + 1) === c)))
    ) {
      checkLineStart(src.slice(start, end), start === at);
    }
  }

  private skipBlank(): void {
    while (this.blank && !this.eof) this.next();
  }

  /** `- x` or `-` alone: the current line is a list item. */
  private atItem(): boolean {
    const { src, start } = this;
    return (
      src.charCodeAt(start) === DASH &&
      (start + 1 === this.end || src.charCodeAt(start + 1) === SPACE)
    );
  }

  private node(indent: number): unknown {
    if (this.indent !== indent) throw new OutOfSubset();
    return this.atItem() ? this.list(indent) : this.map(indent, false);
  }

  private list(indent: number): unknown[] {
    const items: unknown[] = [];
    for (;;) {
      this.skipBlank();
      if (this.eof || this.indent !== indent || !this.atItem()) break;
      const src = this.src;
      let at = this.start + 1;
      while (src.charCodeAt(at) === SPACE) at++;
      if (at === this.end || src.charCodeAt(at) === HASH) {
        this.next();
        items.push(this.childOf(indent, false));
      } else if (src.charCodeAt(at) === 9) {
        throw new OutOfSubset();
      } else if (this.readKey(at)) {
        // `- name: x` starts a map whose keys sit where `name` does.
        this.indent += at - this.start;
        this.start = at;
        items.push(this.map(this.indent, true));
      } else {
        items.push(this.inline(at));
        this.next();
        this.noDeeper(indent);
      }
    }
    return items;
  }

  /** A map at `indent`; `keyRead`: its first line's key is read already (`- name: x`). */
  private map(indent: number, keyRead: boolean): Record<string, unknown> {
    const map: Record<string, unknown> = {};
    for (let read = keyRead; ; read = false) {
      if (!read) {
        this.skipBlank();
        if (this.eof || this.indent !== indent || this.atItem()) break;
        if (!this.readKey(this.start)) throw new OutOfSubset();
      }
      const key = this.key;
      // `__proto__` would set the object's prototype; the yaml package defines it as a key.
      if (Object.hasOwn(map, key) || key === "__proto__") throw new OutOfSubset();
      const at = this.valueAt;
      if (at === -1) {
        this.next();
        map[key] = this.childOf(indent, true);
      } else if (this.src.charCodeAt(at) === 124) {
        const keepNewline = blockHeader(this.src.slice(at, this.end));
        this.next();
        map[key] = this.literal(indent, keepNewline);
      } else {
        map[key] = this.inline(at);
        this.next();
        this.noDeeper(indent);
      }
    }
    return map;
  }

  /** The value under a key or `-` written alone: a deeper block, a list at the key's own indent, or null. */
  private childOf(indent: number, listMayAlign: boolean): unknown {
    this.skipBlank();
    if (this.eof) return null;
    if (this.indent > indent) return this.node(this.indent);
    if (listMayAlign && this.indent === indent && this.atItem()) return this.list(indent);
    return null;
  }

  /** A scalar written inline may not continue on deeper lines (a multi-line plain scalar). */
  private noDeeper(indent: number): void {
    this.skipBlank();
    if (!this.eof && this.indent > indent) throw new OutOfSubset();
  }

  /** The scalar from `at` to the end of the current line. */
  private inline(at: number): unknown {
    const text = this.src.slice(at, this.end);
    const c = text.charCodeAt(0);
    if (c === 34 || c === 39) return quotedValue(text);
    const hash = text.indexOf("#");
    if (hash !== -1) return plainScalar(withoutComment(text, hash));
    return plainScalar(isBlank(text.charCodeAt(text.length - 1)) ? trimBlanksEnd(text) : text);
  }

  /**
   * Reads `key:` at `at` on the current line into key and valueAt; false when the line is no
   * key. A plain key ends at the first `:` followed by a space or the end of the line.
   */
  private readKey(at: number): boolean {
    const { src, end } = this;
    const c = src.charCodeAt(at);
    let colon: number;
    if (c === 34 || c === 39) {
      const line = src.slice(at, end);
      const close = quotedEnd(line);
      colon = at + close + 1;
      if (close === -1 || src.charCodeAt(colon) !== 58) return false;
      if (colon + 1 < end && src.charCodeAt(colon + 1) !== SPACE) return false;
      this.key = quotedScalar(line.slice(0, close + 1));
    } else {
      if (!startsWord(c) && !startsPlainKey(src, at)) return false;
      colon = src.indexOf(":", at);
      while (colon !== -1 && colon + 1 < end && src.charCodeAt(colon + 1) !== SPACE) {
        colon = src.indexOf(":", colon + 1);
      }
      if (colon === -1 || colon >= end) return false;
      let keyEnd = colon;
      while (isBlank(src.charCodeAt(keyEnd - 1))) keyEnd--;
      const key = src.slice(at, keyEnd);
      if (key.includes("#") || key.includes("\t")) return false;
      this.key = startsWord(c) && key.length > 5 ? key : plainKey(key);
    }
    let value = colon + 1;
    while (value < end && isBlank(src.charCodeAt(value))) value++;
    this.valueAt = value === end || src.charCodeAt(value) === HASH ? -1 : value;
    return true;
  }

  /** `|` or `|-` block: the lines deeper than the key, less their common indentation. */
  private literal(indent: number, keepNewline: boolean): string {
    const lines: string[] = [];
    let blockIndent = -1;
    let leadingBlank = 0;
    while (!this.eof) {
      if (this.blank) {
        // A `#` line is text inside the block, and ends it where it is less indented.
        if (this.comment) {
          if (this.indent > indent) throw new OutOfSubset();
          break;
        }
        // Spaces beyond the block's indentation are text; so are leading ones before it.
        if (blockIndent !== -1 && this.indent > blockIndent) throw new OutOfSubset();
        if (this.indent > leadingBlank) leadingBlank = this.indent;
        lines.push("");
        this.next();
        continue;
      }
      if (this.indent <= indent) break;
      if (blockIndent === -1) {
        blockIndent = this.indent;
        if (leadingBlank > blockIndent) throw new OutOfSubset();
      }
      if (this.indent < blockIndent) throw new OutOfSubset();
      const text = this.src.slice(this.start, this.end);
      lines.push(this.indent === blockIndent ? text : " ".repeat(this.indent - blockIndent) + text);
      this.next();
    }
    while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
    const text = lines.join("\n");
    return keepNewline && text !== "" ? `${text}\n` : text;
  }
}

/** A line starting with a tab or other white space, a document marker or a directive: out of the subset. */
function checkLineStart(text: string, atColumnZero: boolean): void {
  if (/^[\s\uFEFF]/.test(text)) throw new OutOfSubset();
  if (atColumnZero && /^(?:%|(?:---|\.\.\.)(?:[ \t]|$))/.test(text)) throw new OutOfSubset();
}

/** A plain key may not start with an indicator or white space (`-x` is a key; `- x` is not). */
function startsPlainKey(src: string, at: number): boolean {
  const c = src[at] ?? "";
  if (c === "-") {
    const d = src[at + 1] ?? "";
    return !" \t\n#:".includes(d) && d !== "";
  }
  return c !== "" && !" \t#:{}[],&*!|>'\"%@`?".includes(c);
}

/** After `key: `: `|` keeps the block's last newline, `|-` drops it; other headers are left to the yaml package. */
function blockHeader(text: string): boolean {
  if (text === "|") return true;
  if (text === "|-") return false;
  const m = /^\|(-?)(?:[ \t]+#.*|[ \t]*)$/.exec(text);
  if (!m) throw new OutOfSubset();
  return m[1] === "";
}
