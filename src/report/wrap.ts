/**
 * Fitting text to the terminal's width without breaking words: a line is cut only between
 * words, and later lines are indented so a field's value stays in its column. A single word
 * wider than the line (a long path) is left whole on a line of its own; the terminal wraps it.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: colour codes take no columns
const ANSI = /\x1b\[[0-9;]*m/g;

/** How many columns `text` takes on a terminal (colour codes take none). */
export function visibleLength(text: string): number {
  return text.replace(ANSI, "").length;
}

/** `text` in lines of at most `width` columns, words whole; whitespace runs become one space. */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line === "") line = word;
    else if (visibleLength(line) + 1 + visibleLength(word) <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line !== "" || lines.length === 0) lines.push(line);
  return lines;
}

/**
 * `first` + `text`, wrapped at `columns`, later lines indented by `first`'s width. Without a
 * width (not a terminal: a log, a pipe) the text is left on one line for tools to read.
 * Line breaks already in `text` are kept.
 */
export function hangingIndent(first: string, text: string, columns: number | undefined): string {
  if (columns === undefined) return `${first}${text}`;
  const indent = " ".repeat(visibleLength(first));
  const room = Math.max(20, columns - indent.length);
  return text
    .split("\n")
    .map((paragraph, p) => {
      const leading = paragraph.match(/^\s*/)?.[0] ?? "";
      return wrapWords(paragraph, room - leading.length)
        .map((line, i) => `${p === 0 && i === 0 ? first : indent}${leading}${line}`)
        .join("\n");
    })
    .join("\n");
}
