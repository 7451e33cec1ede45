/**
 * The environment banner. Production must look unmistakably different from staging even
 * without colour (the PaaS engineers could not tell their tabs apart): a protected
 * environment gets a full block of heavy characters, an unknown one a block of question
 * marks, anything else a single light rule.
 */
import type { ChalkInstance } from "chalk";
import type { RunResult } from "../run/result.js";

const WIDTH = 72;

export function renderBanner(
  env: NonNullable<RunResult["environment"]>,
  chalk: ChalkInstance,
): string {
  return [renderBlock(env, chalk), ...groundTruth(env, chalk)].join("\n");
}

/**
 * Where the command really goes, under the block and in the environment's colour, so the
 * operator sees the URL, server, workspace or host before typing a name; and, when the names
 * and the truth disagree, both, loudly.
 */
function groundTruth(env: NonNullable<RunResult["environment"]>, chalk: ChalkInstance): string[] {
  if (!env.truth) return [];
  const ink = foreground(env.color, chalk).bold;
  const lines = [
    env.truth.problem !== undefined
      ? ink(`  ${env.truth.tool}: cannot read where this goes: ${env.truth.problem}`)
      : ink(`  ${env.truth.tool} → ${env.truth.where}`),
  ];
  if (env.note !== undefined) lines.push(ink(`  !! ${env.note}`));
  return lines;
}

function renderBlock(env: NonNullable<RunResult["environment"]>, chalk: ChalkInstance): string {
  // With a resolver's reading, the URL gets a line of its own below the block.
  const raw =
    env.target !== undefined && env.target !== env.name && !env.truth ? ` '${env.target}'` : "";
  const from = `from ${env.source}${raw}`;
  const paint = painter(env.color, chalk);
  if (!env.known) {
    const title = ` UNKNOWN ENVIRONMENT '${env.name}' · treated as protected · ${from} `;
    const rule = "?".repeat(WIDTH);
    return [rule, pad(`??${title}`, WIDTH, "?"), rule].map((l) => paint(l)).join("\n");
  }
  if (env.protected) {
    // A full block is drawn in the text colour, so the rules take the colour as ink and the
    // title sits on it as background: the whole banner reads as the environment's colour.
    const ink = foreground(env.color, chalk);
    const title = pad(`  ${env.name.toUpperCase()}  ·  protected  ·  ${from}  `, WIDTH - 4, " ");
    const rule = ink("█".repeat(WIDTH));
    return [rule, `${ink("██")}${paint(title)}${ink("██")}`, rule].join("\n");
  }
  return paint(pad(`── ${env.name} ── ${from} `, WIDTH, "─"));
}

function pad(text: string, width: number, fill: string): string {
  return text.length >= width ? text : text + fill.repeat(width - text.length);
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
