/** How a wrapper program's own options look, so they can be skipped to reach the command. */
export interface OptionSpec {
  /** Single-letter options that take a value (`-u root`, `-uroot`). */
  shortValue?: string;
  /** Single-letter options after which no command runs; the wrapper is then left alone. */
  shortStop?: string;
  /** Long options that take a value (`--user root`, `--user=root`). */
  longValue?: readonly string[];
  /** `-5` is an option (nice). */
  numeric?: boolean;
  /** Positional words before the command (timeout's DURATION). */
  positionals?: number;
  /** The wrapper adds arguments of its own at run time (xargs reads them from stdin). */
  addsArguments?: boolean;
  /** Options whose value is a shell script the wrapper runs (`su -c`, `flock -c`). */
  scriptOptions?: readonly string[];
  /** Without a script option, no command follows (`su user` starts a login shell). */
  needsScript?: boolean;
  /** The words after the options are joined and run by `sh -c` (watch), unless one of these options. */
  joinsIntoScript?: { unlessOptions: readonly string[] };
}

/**
 * Index of the first word after the wrapper at `at` and its options, or undefined when an
 * option says no command runs. Unknown options count as flags without a value: guessing that
 * the command follows keeps it visible to the rules, which is the safer mistake.
 */
export function optionsEnd(
  words: readonly string[],
  at: number,
  spec: OptionSpec,
): number | undefined {
  let k = at + 1;
  while (k < words.length) {
    const word = words[k] ?? "";
    if (word === "--") {
      k++;
      break;
    }
    if (word.startsWith("--")) {
      const hasValue = word.includes("=") || !spec.longValue?.includes(word);
      k += hasValue ? 1 : 2;
    } else if (word.startsWith("-") && word.length > 1) {
      if (spec.numeric && /^-\d+$/.test(word)) k++;
      else {
        const step = shortCluster(word, spec);
        if (step === undefined) return undefined;
        k += step;
      }
    } else break;
  }
  return k + (spec.positionals ?? 0);
}

/** Words a `-abc` cluster uses: 1, or 2 when its last letter takes the next word as value. */
function shortCluster(word: string, spec: OptionSpec): number | undefined {
  for (let j = 1; j < word.length; j++) {
    const letter = word.charAt(j);
    if (spec.shortStop?.includes(letter)) return undefined;
    if (spec.shortValue?.includes(letter)) return j === word.length - 1 ? 2 : 1;
  }
  return 1;
}

const SUDO_LONG_WITH_VALUE = [
  "--user",
  "--group",
  "--host",
  "--prompt",
  "--close-from",
  "--role",
  "--type",
  "--other-user",
  "--chdir",
  "--chroot",
  "--command-timeout",
];

/** The wrappers stripped in front of a command, by program basename. `env` and shells are handled apart. */
export const WRAPPERS: ReadonlyMap<string, OptionSpec> = new Map<string, OptionSpec>([
  ["sudo", { shortValue: "ughpCrtUDRT", longValue: SUDO_LONG_WITH_VALUE }],
  ["doas", { shortValue: "uC" }],
  ["nice", { shortValue: "n", longValue: ["--adjustment"], numeric: true }],
  [
    "ionice",
    { shortValue: "cnpPu", longValue: ["--class", "--classdata", "--pid", "--pgid", "--uid"] },
  ],
  ["nohup", {}],
  ["time", { shortValue: "fo", longValue: ["--format", "--output"] }],
  // `command -v` / `-V` only look the name up.
  ["command", { shortStop: "vV" }],
  ["exec", { shortValue: "a" }],
  ["builtin", {}],
  ["timeout", { shortValue: "sk", longValue: ["--signal", "--kill-after"], positionals: 1 }],
  ["stdbuf", { shortValue: "ioe", longValue: ["--input", "--output", "--error"] }],
  ["setsid", {}],
  ["unbuffer", {}],
  ["chrt", { shortValue: "TPD", shortStop: "p", positionals: 1 }],
  ["taskset", { shortStop: "p", positionals: 1 }],
  [
    "watch",
    {
      shortValue: "nq",
      longValue: ["--interval", "--equexit"],
      joinsIntoScript: { unlessOptions: ["-x", "--exec"] },
    },
  ],
  // script(1) runs its -c string with the user's shell.
  ["script", { scriptOptions: ["-c", "--command"], needsScript: true }],
  [
    "flock",
    {
      shortValue: "wE",
      longValue: ["--timeout", "--conflict-exit-code"],
      positionals: 1,
      scriptOptions: ["-c", "--command"],
    },
  ],
  ["su", { scriptOptions: ["-c", "--command"], needsScript: true }],
  [
    "runuser",
    {
      shortValue: "ugGw",
      longValue: ["--user", "--group", "--supp-group"],
      scriptOptions: ["-c", "--command"],
    },
  ],
  [
    "xargs",
    {
      shortValue: "adEILnPs",
      longValue: [
        "--arg-file",
        "--delimiter",
        "--max-lines",
        "--max-args",
        "--max-procs",
        "--max-chars",
        "--process-slot-var",
      ],
      addsArguments: true,
    },
  ],
]);
