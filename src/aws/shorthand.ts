/**
 * The AWS CLI's shorthand syntax, as `--ip-permissions` takes it:
 *
 *   IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=10.0.0.0/8,Description=office}]
 *
 * Grammar (the CLI's `awscli/shorthand.py`, read for its behaviour, written anew here):
 * `key=value` pairs separated by commas; a value is a `[list]`, a `{key=value,…}` hash, a
 * quoted string, or a bare word; at the top level `Key=a,b,c` is the list [a, b, c] unless a
 * word is followed by `=`, which starts the next pair. Values stay strings: the caller knows
 * which fields are numbers.
 */

export type ShorthandValue = string | ShorthandValue[] | { [key: string]: ShorthandValue };

export class ShorthandError extends Error {}

/** Parses one shorthand value into an object; throws ShorthandError with the position. */
export function parseShorthand(text: string): Record<string, ShorthandValue> {
  return new Parser(text).parameter();
}

const KEY_CHARS = /[A-Za-z0-9_.#/:-]/;

class Parser {
  private i = 0;
  constructor(private readonly text: string) {}

  parameter(): Record<string, ShorthandValue> {
    const params: Record<string, ShorthandValue> = {};
    for (;;) {
      const [key, value] = this.keyval(true);
      if (Object.hasOwn(params, key)) this.fail(`the key ${key} appears twice`);
      params[key] = value;
      this.spaces();
      if (this.atEnd()) return params;
      this.expect(",");
    }
  }

  private keyval(topLevel: boolean): [string, ShorthandValue] {
    this.spaces();
    const start = this.i;
    while (!this.atEnd() && KEY_CHARS.test(this.peek())) this.i++;
    const key = this.text.slice(start, this.i);
    if (key === "") this.fail("expected a key");
    this.spaces();
    this.expect("=");
    this.spaces();
    return [key, topLevel ? this.topValue() : this.explicitValue()];
  }

  /** A top-level value: a list, a hash, or comma-separated words (a list when more than one). */
  private topValue(): ShorthandValue {
    if (this.atEnd()) return "";
    if (this.peek() === "[") return this.list();
    if (this.peek() === "{") return this.hash();
    const first = this.word(",");
    const values: string[] = [first];
    for (;;) {
      const save = this.i;
      this.spaces();
      if (this.atEnd() || this.peek() !== ",") {
        this.i = save;
        break;
      }
      this.i++;
      this.spaces();
      const afterComma = this.i;
      const next = this.word(",=");
      this.spaces();
      if (this.peek() === "=" || next === "") {
        // That word was the next key: give the comma back.
        this.i = afterComma - 1;
        while (this.text[this.i] !== ",") this.i--;
        break;
      }
      values.push(next);
    }
    return values.length === 1 ? first : values;
  }

  private explicitValue(): ShorthandValue {
    this.spaces();
    if (this.peek() === "[") return this.list();
    if (this.peek() === "{") return this.hash();
    return this.word(",]}");
  }

  private list(): ShorthandValue[] {
    this.expect("[");
    const items: ShorthandValue[] = [];
    this.spaces();
    while (this.peek() !== "]") {
      items.push(this.explicitValue());
      this.spaces();
      if (this.peek() !== "]") this.expect(",");
      this.spaces();
    }
    this.expect("]");
    return items;
  }

  private hash(): Record<string, ShorthandValue> {
    this.expect("{");
    const result: Record<string, ShorthandValue> = {};
    this.spaces();
    while (this.peek() !== "}") {
      const [key, value] = this.keyval(false);
      result[key] = value;
      this.spaces();
      if (this.peek() !== "}") this.expect(",");
      this.spaces();
    }
    this.expect("}");
    return result;
  }

  /** A quoted string, or bare characters up to one of `stops` (trailing spaces dropped). */
  private word(stops: string): string {
    const quote = this.peek();
    if (quote === "'" || quote === '"') {
      this.i++;
      let value = "";
      while (!this.atEnd() && this.peek() !== quote) {
        if (this.peek() === "\\" && this.text[this.i + 1] === quote) this.i++;
        value += this.text[this.i++];
      }
      this.expect(quote);
      return value;
    }
    let value = "";
    while (!this.atEnd() && !stops.includes(this.peek())) {
      // `\,` is a literal comma inside a bare word.
      if (this.peek() === "\\" && this.text[this.i + 1] === ",") this.i++;
      value += this.text[this.i++];
    }
    return value.trimEnd();
  }

  private spaces(): void {
    while (!this.atEnd() && /\s/.test(this.peek())) this.i++;
  }

  private peek(): string {
    return this.text[this.i] ?? "";
  }

  private atEnd(): boolean {
    return this.i >= this.text.length;
  }

  private expect(char: string): void {
    if (this.peek() !== char) {
      this.fail(`expected '${char}' but found ${this.atEnd() ? "the end" : `'${this.peek()}'`}`);
    }
    this.i++;
  }

  private fail(message: string): never {
    throw new ShorthandError(`${message} at character ${this.i + 1} of ${this.text}`);
  }
}
