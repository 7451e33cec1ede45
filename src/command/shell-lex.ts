/** One word of a script, quotes removed. */
export interface LexWord {
  kind: "word";
  text: string;
  /** Holds a `$VAR` / `${VAR}` expansion outside single quotes. */
  dynamic: boolean;
  /** Length of the leading text written as plain unquoted characters. */
  plainPrefix: number;
  /** Nothing in the word was quoted, escaped or expanded. */
  plain: boolean;
}

export type ShellOperator = ";" | "&" | "&&" | "||" | "|" | "\n" | "(" | ")";

export type ShellToken =
  | LexWord
  | { kind: "op"; op: ShellOperator }
  // What a here-document (`<<EOF`) or here-string (`<<<word`) feeds the command on stdin.
  | StdinText
  // The redirection itself is dropped; the marker keeps `a | >f` from reading as a dangling `|`.
  | { kind: "redirect" };

/**
 * Text given to a command on standard input by the script itself. `expands`: the shell
 * expands `$VAR`, `$(…)` and backticks in it first (an unquoted here-document delimiter).
 */
export interface StdinText {
  kind: "stdin";
  text: string;
  expands: boolean;
}

/** A construct the parser refuses; the message is shown to the user. */
export class ShellSyntaxError extends Error {
  override readonly name = "ShellSyntaxError";
}

const BLANKS = new Set([" ", "\t"]);
const OPERATOR_CHARS = new Set([";", "&", "|", "(", ")", "<", ">"]);
// Longest first, so `>>` is not read as `>` followed by a target starting with `>`.
const REDIRECTIONS = ["&>>", "&>", ">>", ">|", ">&", "<&", "<>", ">", "<"];
const SPECIAL_PARAMETER = /[0-9@*#?$!-]/;
const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

const COMMAND_SUBSTITUTION = "command substitution $(...) hides which command runs";
const BACKTICKS = "command substitution `...` (backticks) hides which command runs";

/**
 * Splits a POSIX shell script into words and operators, dropping redirections and comments.
 * Lazy, so the parser can refuse `case` before the lexer trips over its `;;`.
 */
export function tokenize(script: string): Iterator<ShellToken> {
  return new Lexer(script).run();
}

class Lexer {
  private pos = 0;
  private readonly tokens: ShellToken[] = [];
  /** Where the line continues after the here-document bodies read so far on this line. */
  private afterBodies: number | undefined;

  constructor(private readonly src: string) {}

  *run(): Generator<ShellToken, void> {
    for (;;) {
      this.skipBlanks();
      const c = this.src[this.pos];
      if (c === undefined) return;
      if (c === "#") this.skipComment();
      else if (c === "\n") this.newline();
      else if (c === "<" || c === ">") this.redirection();
      else if (OPERATOR_CHARS.has(c)) this.controlOperator(c);
      else this.wordOrIoNumber();
      yield* this.tokens.splice(0);
    }
  }

  private skipBlanks(): void {
    for (;;) {
      const c = this.src[this.pos];
      if (c !== undefined && BLANKS.has(c)) this.pos++;
      else if (c === "\\" && this.src[this.pos + 1] === "\n") this.pos += 2;
      else return;
    }
  }

  private skipComment(): void {
    const end = this.src.indexOf("\n", this.pos);
    this.pos = end === -1 ? this.src.length : end;
  }

  private operator(op: ShellOperator, length: number): void {
    this.tokens.push({ kind: "op", op });
    this.pos += length;
  }

  /** A newline ends the line; the here-document bodies that follow it were read already. */
  private newline(): void {
    this.operator("\n", 1);
    if (this.afterBodies !== undefined) this.pos = this.afterBodies;
    this.afterBodies = undefined;
  }

  private controlOperator(c: string): void {
    const next = this.src[this.pos + 1];
    if (c === ";") {
      if (next === ";") throw new ShellSyntaxError('";;" is only valid inside case ... esac');
      this.operator(";", 1);
    } else if (c === "&") {
      if (next === "&") this.operator("&&", 2);
      else if (next === ">") this.redirection();
      else this.operator("&", 1);
    } else if (c === "|") {
      // `|&` pipes stderr too; for which commands run it is a plain pipe.
      if (next === "|") this.operator("||", 2);
      else this.operator("|", next === "&" ? 2 : 1);
    } else {
      this.operator(c === "(" ? "(" : ")", 1);
    }
  }

  private wordOrIoNumber(): void {
    const word = this.readWord();
    const next = this.src[this.pos];
    // `2>file`: digits glued to a redirection name a file descriptor, not an argument.
    if ((next === "<" || next === ">") && word.plain && /^\d+$/.test(word.text)) {
      this.redirection();
    } else {
      this.tokens.push(word);
    }
  }

  private redirection(): void {
    const rest = this.src.slice(this.pos, this.pos + 3);
    if (rest.startsWith("<<<")) {
      this.pos += 3;
      this.skipBlanks();
      const word = this.readWord();
      this.tokens.push({ kind: "stdin", text: `${word.text}\n`, expands: word.dynamic });
      return;
    }
    if (rest.startsWith("<<")) {
      this.hereDocument();
      return;
    }
    if (rest.startsWith("<(") || rest.startsWith(">(")) throw processSubstitution(rest);
    const op = REDIRECTIONS.find((candidate) => rest.startsWith(candidate)) ?? rest.charAt(0);
    this.pos += op.length;
    this.skipBlanks();
    const c = this.src[this.pos];
    if (c === undefined || c === "\n" || OPERATOR_CHARS.has(c)) {
      const ahead = this.src.slice(this.pos, this.pos + 2);
      if (ahead === "<(" || ahead === ">(") throw processSubstitution(ahead);
      throw new ShellSyntaxError(`redirection "${op}" has no target`);
    }
    this.readWord();
    this.tokens.push({ kind: "redirect" });
  }

  /**
   * `<<DELIM` / `<<-DELIM`: the body is the lines after the current one, up to a line that is
   * DELIM (leading tabs stripped for `<<-`). A quoted DELIM means the body is taken literally.
   */
  private hereDocument(): void {
    const stripTabs = this.src[this.pos + 2] === "-";
    this.pos += stripTabs ? 3 : 2;
    this.skipBlanks();
    const delimiter = this.readWord();
    if (delimiter.text === "") throw new ShellSyntaxError('here-document "<<" has no delimiter');
    let start = this.afterBodies;
    if (start === undefined) {
      const lineEnd = this.src.indexOf("\n", this.pos);
      if (lineEnd === -1) {
        throw new ShellSyntaxError(`here-document <<${delimiter.text} has no body`);
      }
      start = lineEnd + 1;
    }
    const lines: string[] = [];
    let at = start;
    for (;;) {
      if (at >= this.src.length) {
        throw new ShellSyntaxError(
          `here-document <<${delimiter.text} is not closed by a line "${delimiter.text}"`,
        );
      }
      const end = this.src.indexOf("\n", at);
      const raw = this.src.slice(at, end === -1 ? this.src.length : end);
      at = end === -1 ? this.src.length : end + 1;
      const line = stripTabs ? raw.replace(/^\t+/, "") : raw;
      if (line === delimiter.text) break;
      lines.push(line);
    }
    // The newline that ends this line is where the lexer resumes after the bodies.
    this.afterBodies = at;
    const text = lines.map((line) => `${line}\n`).join("");
    this.tokens.push({ kind: "stdin", text, expands: delimiter.plain });
  }

  private readWord(): LexWord {
    const word: LexWord = { kind: "word", text: "", dynamic: false, plainPrefix: 0, plain: true };
    for (;;) {
      const c = this.src[this.pos];
      if (c === undefined || c === "\n" || BLANKS.has(c) || OPERATOR_CHARS.has(c)) return word;
      if (c === "\\") this.escape(word);
      else if (c === "'") this.singleQuoted(word);
      else if (c === '"') this.doubleQuoted(word);
      else if (c === "`") throw new ShellSyntaxError(BACKTICKS);
      else if (c === "$") this.dollar(word, false);
      else {
        word.text += c;
        this.pos++;
        if (word.plain) word.plainPrefix = word.text.length;
      }
    }
  }

  private escape(word: LexWord): void {
    const next = this.src[this.pos + 1];
    if (next === "\n") {
      this.pos += 2;
      return;
    }
    // A lone trailing backslash stays literal, as in sh.
    word.text += next ?? "\\";
    word.plain = false;
    this.pos += next === undefined ? 1 : 2;
  }

  private singleQuoted(word: LexWord): void {
    const end = this.src.indexOf("'", this.pos + 1);
    if (end === -1) throw new ShellSyntaxError("unterminated single quote '");
    word.text += this.src.slice(this.pos + 1, end);
    word.plain = false;
    this.pos = end + 1;
  }

  private doubleQuoted(word: LexWord): void {
    word.plain = false;
    this.pos++;
    for (;;) {
      const c = this.src[this.pos];
      if (c === undefined) throw new ShellSyntaxError('unterminated double quote "');
      if (c === '"') {
        this.pos++;
        return;
      }
      if (c === "`") throw new ShellSyntaxError(BACKTICKS);
      if (c === "$") {
        this.dollar(word, true);
        continue;
      }
      const next = this.src[this.pos + 1];
      if (c === "\\" && next !== undefined && '$`"\\\n'.includes(next)) {
        if (next !== "\n") word.text += next;
        this.pos += 2;
      } else {
        word.text += c;
        this.pos++;
      }
    }
  }

  private dollar(word: LexWord, inDoubleQuotes: boolean): void {
    const next = this.src[this.pos + 1] ?? "";
    if (next === "(") {
      throw new ShellSyntaxError(
        this.src[this.pos + 2] === "("
          ? "arithmetic expansion $((...)) is not supported; compute the value beforehand"
          : COMMAND_SUBSTITUTION,
      );
    }
    let end: number;
    if (next === "{") end = this.braceEnd(this.pos + 2);
    else if (NAME_START.test(next)) {
      end = this.pos + 2;
      while (NAME_CHAR.test(this.src[end] ?? "")) end++;
    } else if (SPECIAL_PARAMETER.test(next)) end = this.pos + 2;
    else if (!inDoubleQuotes && (next === "'" || next === '"')) {
      throw new ShellSyntaxError(
        `${next === "'" ? "ANSI-C" : "locale"} quoting $${next}...${next} differs between shells; use plain quotes`,
      );
    } else {
      // `$` followed by anything else is a literal dollar sign.
      word.text += "$";
      this.pos++;
      if (word.plain) word.plainPrefix = word.text.length;
      return;
    }
    word.text += this.src.slice(this.pos, end);
    word.dynamic = true;
    word.plain = false;
    this.pos = end;
  }

  /** Index just past the `}` closing a `${` whose body starts at `start`. */
  private braceEnd(start: number): number {
    let depth = 1;
    for (let k = start; k < this.src.length; k++) {
      const c = this.src[k];
      const next = this.src[k + 1];
      if (c === "\\") k++;
      else if (c === "`") throw new ShellSyntaxError(BACKTICKS);
      else if (c === "$" && next === "(") throw new ShellSyntaxError(COMMAND_SUBSTITUTION);
      else if (c === "$" && next === "{") {
        depth++;
        k++;
      } else if (c === "}" && --depth === 0) return k + 1;
    }
    throw new ShellSyntaxError("unterminated parameter expansion ${");
  }
}

function processSubstitution(construct: string): ShellSyntaxError {
  return new ShellSyntaxError(`process substitution ${construct}...) hides which command runs`);
}
