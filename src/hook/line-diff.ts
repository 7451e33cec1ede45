/** A minimal line diff (`+`/`-`/` ` prefixes) for showing a settings change before it is made. */

/** The lines of `after` against `before`, each prefixed; unchanged runs longer than 6 lines are cut. */
export function lineDiff(before: string, after: string): string {
  const a = before === "" ? [] : before.replace(/\n$/, "").split("\n");
  const b = after.replace(/\n$/, "").split("\n");
  // Longest common subsequence table; settings files are small.
  const lcs = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] =
        a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const lines: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      lines.push(`  ${a[i]}`);
      i++;
      j++;
    } else if (j < b.length && (i === a.length || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      lines.push(`+ ${b[j++]}`);
    } else {
      lines.push(`- ${a[i++]}`);
    }
  }
  return collapse(lines).join("\n");
}

/** Keeps three lines of context around changes. */
function collapse(lines: string[]): string[] {
  const near = lines.map((_, k) =>
    lines.slice(Math.max(0, k - 3), k + 4).some((l) => !l.startsWith("  ")),
  );
  const out: string[] = [];
  for (let k = 0; k < lines.length; k++) {
    if (near[k]) out.push(lines[k]!);
    else if (out.at(-1) !== "  …") out.push("  …");
  }
  return out;
}
