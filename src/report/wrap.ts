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

/**
 * `text` in lines of at most `width` columns (the first line `firstWidth`), words whole;
 * whitespace runs become one space.
 */
export function wrapWords(text: string, width: number, firstWidth = width): string[] {
  const lines: string[] = [];
  let line = "";
  const room = () => (lines.length === 0 ? firstWidth : width);
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line === "") line = word;
    else if (visibleLength(line) + 1 + visibleLength(word) <= room()) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line !== "" || lines.length === 0) lines.push(line);
  return lines;
}

/** Below this width a label column costs too much room: values continue under a short indent. */
export const NARROW = 60;

/**
 * `first` + `text`, wrapped at `columns`, later lines indented by `first`'s width (by four
 * columns on a narrow terminal). Without a width (not a terminal: a log, a pipe) the text is
 * left on one line for tools to read. Line breaks already in `text` are kept.
 */
export function hangingIndent(first: string, text: string, columns: number | undefined): string {
  if (columns === undefined) return `${first}${text}`;
  const firstWidth = visibleLength(first);
  const indent = " ".repeat(columns < NARROW ? Math.min(4, firstWidth) : firstWidth);
  return text
    .split("\n")
    .map((paragraph, p) => {
      const leading = paragraph.match(/^\s*/)?.[0] ?? "";
      const lead = p === 0 ? first : indent;
      return wrapWords(
        paragraph,
        Math.max(10, columns - indent.length - leading.length),
        Math.max(10, columns - visibleLength(lead) - leading.length),
      )
        .map((line, i) => `${i === 0 ? lead : indent}${leading}${line}`)
        .join("\n");
    })
    .join("\n");
}
