import { ASSIGNMENT, refuseScriptBuiltin } from "./script-builtins.js";
import {
  type LexWord,
  type ShellOperator,
  ShellSyntaxError,
  type ShellToken,
  type StdinText,
  tokenize,
} from "./shell-lex.js";

/** `dynamic`: holds an unquoted or double-quoted `$VAR` / `${VAR}`, so its value is only known at run time. */
export interface ShellWord {
  text: string;
  dynamic: boolean;
}

/** Assignments (`X=1`) stay as the leading words; redirections are removed. */
export interface ShellSimpleCommand {
  words: ShellWord[];
  /** A here-document or here-string the script feeds it on standard input. */
  stdin?: Omit<StdinText, "kind">;
  /** Its standard input is the previous command's output (`a | b`). */
  piped?: boolean;
}

export type ParsedScript =
  | { ok: true; commands: ShellSimpleCommand[] }
  | { ok: false; reason: string };

// Compound commands run their bodies under conditions preflight cannot evaluate.
const KEYWORDS = new Set([
  "if",
  "then",
  "else",
  "elif",
  "fi",
  "for",
  "while",
  "until",
  "do",
  "done",
  "case",
  "esac",
  "in",
  "function",
  "select",
  "coproc",
  "[[",
  "]]",
]);

/**
 * Splits an `sh -c` script into the simple commands it runs, in order. Anything that hides
 * which command runs (substitutions, compound commands, eval) is refused with
 * a reason the user can act on.
 */
export function parseShellScript(script: string): ParsedScript {
  try {
    return { ok: true, commands: new Assembler().run(tokenize(script)) };
  } catch (error) {
    if (error instanceof ShellSyntaxError) return { ok: false, reason: error.message };
    throw error;
  }
}

/** Groups tokens into simple commands, refusing as soon as a construct shows itself. */
class Assembler {
  private readonly commands: ShellSimpleCommand[] = [];
  private words: LexWord[] = [];
  private started = false;
  private headSeen = false;
  /** The `|`, `&&` or `||` still waiting for its command. */
  private dangling: string | undefined;
  private stdin: StdinText | undefined;
  private piped = false;

  run(tokens: Iterator<ShellToken>): ShellSimpleCommand[] {
    for (let next = tokens.next(); !next.done; next = tokens.next()) {
      const token = next.value;
      if (token.kind === "op") this.operator(token.op, tokens);
      else {
        if (token.kind === "word") this.word(token);
        if (token.kind === "stdin") this.stdin = token;
        this.started = true;
        this.dangling = undefined;
      }
    }
    if (this.started) this.finish();
    if (this.dangling !== undefined) {
      throw new ShellSyntaxError(
        `script ends with "${this.dangling}": the command after it is missing`,
      );
    }
    return this.commands;
  }

  private word(word: LexWord): void {
    // `! cmd` only negates the exit status.
    if (!this.started && word.plain && word.text === "!") return;
    this.words.push(word);
    if (this.headSeen || isAssignment(word)) return;
    this.headSeen = true;
    if (word.plain && KEYWORDS.has(word.text)) {
      throw new ShellSyntaxError(
        `shell keyword "${word.text}" is not supported; run the commands one by one`,
      );
    }
    if (word.plain && (word.text === "{" || word.text === "}")) {
      throw new ShellSyntaxError(
        "command group { ...; } is not supported; list the commands plainly",
      );
    }
  }

  private operator(op: ShellOperator, tokens: Iterator<ShellToken>): void {
    if (op === "(") throw new ShellSyntaxError(parenthesisReason(this.words, tokens.next().value));
    if (op === ")") throw new ShellSyntaxError('unexpected ")"');
    if (op === "\n") {
      if (this.started) this.finish();
      return;
    }
    if (!this.started) throw new ShellSyntaxError(`"${op}" has no command before it`);
    this.finish();
    if (op !== ";" && op !== "&") this.dangling = op;
    this.piped = op === "|";
  }

  private finish(): void {
    const head = this.words.findIndex((word) => !isAssignment(word));
    if (head !== -1) {
      const refusal = refuseScriptBuiltin(this.words.slice(head).map((word) => word.text));
      if (refusal !== undefined) throw new ShellSyntaxError(refusal);
    }
    if (this.words.length > 0) {
      this.commands.push({
        words: this.words.map(({ text, dynamic }) => ({ text, dynamic })),
        ...(this.stdin && { stdin: { text: this.stdin.text, expands: this.stdin.expands } }),
        ...(this.piped && { piped: true }),
      });
    }
    this.stdin = undefined;
    this.piped = false;
    this.words = [];
    this.started = false;
    this.headSeen = false;
  }
}

function isAssignment(word: LexWord): boolean {
  const match = ASSIGNMENT.exec(word.text);
  return match !== null && match[0].length <= word.plainPrefix;
}

function parenthesisReason(before: readonly LexWord[], after: ShellToken | undefined): string {
  if (after?.kind === "op" && after.op === "(") {
    return "arithmetic command (( ... )) is not supported";
  }
  if (before.length === 1 && after?.kind === "op" && after.op === ")") {
    return `function definition ${before[0]?.text}() hides which command runs`;
  }
  if (before.at(-1)?.text.endsWith("=")) return "array assignment NAME=( ... ) is not supported";
  return "subshell ( ... ) is not supported; run the commands without parentheses";
}
