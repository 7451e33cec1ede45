/**
 * The environment banner. Production must look unmistakably different from staging even
 * without colour (the PaaS engineers could not tell their tabs apart): a protected
 * environment gets a full block of heavy characters, an unknown one a block of question
 * marks, anything else a single light rule. It fits the terminal (down to 40 columns): the
 * title wraps between words onto more lines of the block rather than the terminal cutting it.
 */
import type { ChalkInstance } from "chalk";
import type { RunResult } from "../run/result.js";
import { visibleLength, wrapWords } from "./wrap.js";

const WIDEST = 72;
const NARROWEST = 20;

/** The banner's width on a terminal `columns` wide (72 when not a terminal). */
export function bannerWidth(columns: number | undefined): number {
  return Math.max(NARROWEST, Math.min(WIDEST, columns ?? WIDEST));
}

export function renderBanner(
  env: NonNullable<RunResult["environment"]>,
  chalk: ChalkInstance,
  columns?: number,
): string {
  return [renderBlock(env, chalk, columns), ...groundTruth(env, chalk, columns)].join("\n");
}

/**
 * Where the command really goes, under the block and in the environment's colour, so the
 * operator sees the URL, server, workspace or host before typing a name; and, when the names
 * and the truth disagree, both, loudly.
 */
function groundTruth(
  env: NonNullable<RunResult["environment"]>,
  chalk: ChalkInstance,
  columns: number | undefined,
): string[] {
  if (!env.truth) return [];
  const ink = foreground(env.color, chalk).bold;
  const width = columns === undefined ? Number.POSITIVE_INFINITY : Math.max(NARROWEST, columns) - 2;
  const texts = [
    env.truth.problem !== undefined
      ? `${env.truth.tool}: cannot read where this goes: ${env.truth.problem}`
      : `${env.truth.tool} → ${env.truth.where}`,
  ];
  if (env.note !== undefined) texts.push(`!! ${env.note}`);
  return texts.flatMap((text) => wrapWords(text, width).map((line) => ink(`  ${line}`)));
}

function renderBlock(
  env: NonNullable<RunResult["environment"]>,
  chalk: ChalkInstance,
  columns: number | undefined,
): string {
  const width = bannerWidth(columns);
  // With a resolver's reading, the URL gets a line of its own below the block.
  const raw =
    env.target !== undefined && env.target !== env.name && !env.truth ? ` '${env.target}'` : "";
  const from = `from ${env.source}${raw}`;
  const paint = painter(env.color, chalk);
  if (!env.known) {
    const rule = "?".repeat(width);
    const title = wrapWords(
      `UNKNOWN ENVIRONMENT '${env.name}' · treated as protected · ${from}`,
      width - 6,
    ).map((line) => pad(`?? ${line} `, width, "?"));
    return [rule, ...title, rule].map((l) => paint(l)).join("\n");
  }
  if (env.protected) {
    // A full block is drawn in the text colour, so the rules take the colour as ink and the
    // title sits on it as background: the whole banner reads as the environment's colour.
    const ink = foreground(env.color, chalk);
    const rule = ink("█".repeat(width));
    const title = wrapWords(`${env.name.toUpperCase()} · protected · ${from}`, width - 8).map(
      (line) => `${ink("██")}${paint(pad(`  ${line}  `, width - 4, " "))}${ink("██")}`,
    );
    return [rule, ...title, rule].join("\n");
  }
  return wrapWords(`${env.name} ── ${from}`, width - 4)
    .map((line) => paint(pad(`── ${line} `, width, "─")))
    .join("\n");
}

function pad(text: string, width: number, fill: string): string {
  const length = visibleLength(text);
  return length >= width ? text : text + fill.repeat(width - length);
}

function foreground(color: string, chalk: ChalkInstance): ChalkInstance {
  const inks: Record<string, ChalkInstance> = {
    red: chalk.red,
    yellow: chalk.yellow,
    green: chalk.green,
    blue: chalk.blue,
    magenta: chalk.magenta,
    cyan: chalk.cyan,
    white: chalk.white,
    gray: chalk.gray,
  };
  return inks[color] ?? chalk;
}

function painter(color: string, chalk: ChalkInstance): (s: string) => string {
  const styles: Record<string, ChalkInstance> = {
    red: chalk.bgRed.whiteBright.bold,
    yellow: chalk.bgYellow.black.bold,
    green: chalk.bgGreen.black.bold,
    blue: chalk.bgBlue.whiteBright.bold,
    magenta: chalk.bgMagenta.whiteBright.bold,
    cyan: chalk.bgCyan.black.bold,
    white: chalk.bgWhite.black.bold,
    gray: chalk.bgGray.whiteBright.bold,
  };
  const style = styles[color] ?? chalk.bold;
  return (s) => style(s);
}
