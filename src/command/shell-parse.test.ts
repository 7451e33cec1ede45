// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are shell scripts, where ${X} is shell syntax
import { describe, expect, it } from "vitest";
import { parseShellScript } from "./shell-parse.js";

/** The argv of each command a script runs. */
function argvs(script: string): string[][] {
  const parsed = parseShellScript(script);
  if (!parsed.ok) throw new Error(`expected ${JSON.stringify(script)} to parse: ${parsed.reason}`);
  return parsed.commands.map((command) => command.words.map((word) => word.text));
}

function refusal(script: string): string {
  const parsed = parseShellScript(script);
  if (parsed.ok) throw new Error(`expected ${JSON.stringify(script)} to be refused`);
  return parsed.reason;
}

function dynamicFlags(script: string): boolean[] {
  const parsed = parseShellScript(script);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.commands.flatMap((command) => command.words.map((word) => word.dynamic));
}

describe("parseShellScript splits a script into simple commands", () => {
  it.each<[string, string[][]]>([
    [
      "fly -t prod destroy-pipeline -p main",
      [["fly", "-t", "prod", "destroy-pipeline", "-p", "main"]],
    ],
    ["a; b", [["a"], ["b"]]],
    ["a\nb\n\n", [["a"], ["b"]]],
    ["a && b || c", [["a"], ["b"], ["c"]]],
    ["a | b |& c", [["a"], ["b"], ["c"]]],
    ["a & b &", [["a"], ["b"]]],
    ["a;b&&c||d|e", [["a"], ["b"], ["c"], ["d"], ["e"]]],
    ["a &&\n  b", [["a"], ["b"]]],
    ["a; ", [["a"]]],
    ["", []],
    ["   \n\t", []],
    ["! fly destroy", [["fly", "destroy"]]],
  ])("%j", (script, expected) => {
    expect(argvs(script)).toEqual(expected);
  });
});

describe("quoting and escapes", () => {
  it.each<[string, string[]]>([
    [`fly -t "prod" 'destroy-pipeline'`, ["fly", "-t", "prod", "destroy-pipeline"]],
    [`echo a"b c"'d'`, ["echo", "ab cd"]],
    [`echo 'a "b" $c \\d'`, ["echo", 'a "b" $c \\d']],
    [`echo "a \\"b\\" \\\\ \\$c \\\` \\d"`, ["echo", 'a "b" \\ $c ` \\d']],
    ["echo a\\ b \\$X \\'", ["echo", "a b", "$X", "'"]],
    ["echo a\\\nb", ["echo", "ab"]],
    [`echo "line\\\ncontinues"`, ["echo", "linecontinues"]],
    ["echo '' \"\"", ["echo", "", ""]],
    ["rm -rf ~/tmp/*.log", ["rm", "-rf", "~/tmp/*.log"]],
    ["echo a#b # a comment ; rm -rf /", ["echo", "a#b"]],
    ["# only a comment\nfly x", ["fly", "x"]],
    ["echo $ 'x$'", ["echo", "$", "x$"]],
    ["echo trailing\\", ["echo", "trailing\\"]],
  ])("%j", (script, expected) => {
    expect(argvs(script)).toEqual([expected]);
  });
});

describe("expansions mark a word dynamic", () => {
  it.each<[string, boolean[]]>([
    ["fly -t $TARGET", [false, false, true]],
    ["fly -t ${TARGET}", [false, false, true]],
    ["fly -t ${TARGET:-prod}", [false, false, true]],
    [`fly -t "$TARGET"`, [false, false, true]],
    [`fly -t "prod-$N"`, [false, false, true]],
    ["fly -t prod-$1 $@", [false, false, true, true]],
    ["fly -t '$TARGET'", [false, false, false]],
    ["fly -t \\$TARGET", [false, false, false]],
    [`fly -t "\\$TARGET"`, [false, false, false]],
    ["fly -t $", [false, false, false]],
  ])("%j", (script, expected) => {
    expect(dynamicFlags(script)).toEqual(expected);
  });

  it("keeps the expansion's text", () => {
    expect(argvs(`fly -t "prod-$N" \${X:-y}`)).toEqual([["fly", "-t", "prod-$N", "${X:-y}"]]);
  });
});

describe("redirections are dropped", () => {
  it.each<[string, string[]]>([
    ["fly x > out.txt", ["fly", "x"]],
    ["fly x >out.txt", ["fly", "x"]],
    ["fly x >> log", ["fly", "x"]],
    ["fly x < in", ["fly", "x"]],
    ["fly x 2>&1", ["fly", "x"]],
    ["fly x 2> err", ["fly", "x"]],
    ["fly x &> all", ["fly", "x"]],
    ["fly x &>> all", ["fly", "x"]],
    ["fly x >| clobber", ["fly", "x"]],
    ["fly x 1>/dev/null 2>&-", ["fly", "x"]],
    ["> out fly x", ["fly", "x"]],
    ["fly x >'my file'", ["fly", "x"]],
    ["fly a2>x", ["fly", "a2"]],
    ["fly '2'>x", ["fly", "2"]],
  ])("%j", (script, expected) => {
    expect(argvs(script)).toEqual([expected]);
  });

  it("a redirection-only command runs nothing but still completes a pipeline", () => {
    expect(argvs("a | > f")).toEqual([["a"]]);
  });
});

describe("assignments stay as leading words", () => {
  it.each<[string, string[]]>([
    ["X=1 fly x", ["X=1", "fly", "x"]],
    [`X="a b" Y='c' fly`, ["X=a b", "Y=c", "fly"]],
    ["X=1", ["X=1"]],
  ])("%j", (script, expected) => {
    expect(argvs(script)).toEqual([expected]);
  });
});

describe("parseShellScript refuses what hides the command", () => {
  it.each<[string, string]>([
    ["fly -t $(cat target) destroy", "$("],
    [`fly -t "$(cat target)"`, "$("],
    ["fly -t ${X:-$(cat t)}", "$("],
    ["fly -t `cat target`", "`"],
    [`fly -t "\`cat target\`"`, "`"],
    ["echo $((1 + 2))", "$(("],
    ["diff <(a) <(b)", "<("],
    ["tee >(a)", ">("],
    ["a 2> >(tee)", ">("],
    ["(fly destroy)", "( ... )"],
    ["a && (b)", "( ... )"],
    ["(( x++ ))", "(( ... ))"],
    ["{ fly destroy; }", "{ ...; }"],
    ["cat <<EOF\nx", "not closed"],
    ["cat <<", "no delimiter"],
    ["if true; then fly destroy; fi", '"if"'],
    ["for t in a b; do fly -t $t destroy; done", '"for"'],
    ["while true; do x; done", '"while"'],
    ["until x; do y; done", '"until"'],
    ["case $x in a) y;; esac", '"case"'],
    ["select x in a; do y; done", '"select"'],
    ["function f { x; }", '"function"'],
    ["a; then b", '"then"'],
    ["x; else y", '"else"'],
    ["x; elif y", '"elif"'],
    ["x; fi", '"fi"'],
    ["x; do y", '"do"'],
    ["x; done", '"done"'],
    ["x; esac", '"esac"'],
    ["[[ -f x ]] && fly destroy", '"[["'],
    ["X=1 if x", '"if"'],
    ["f() { fly destroy; }; f", "f()"],
    ["a=(1 2)", "NAME=( ... )"],
    ["eval fly destroy", "eval"],
    ["X=1 eval 'fly destroy'", "eval"],
    ["source ./deploy.sh", "source"],
    [". ./deploy.sh", '"."'],
    ["exec > log", "exec"],
    ["exec -a name", "exec"],
    ["echo 'unterminated", "single quote"],
    [`echo "unterminated`, "double quote"],
    ["echo ${X", "${"],
    ["fly x |", '"|"'],
    ["fly x &&", '"&&"'],
    ["fly x ||\n", '"||"'],
    ["| fly x", '"|"'],
    ["a; ; b", '";"'],
    ["a ;; b", '";;"'],
    ["fly x >", '">"'],
    ["fly x > | y", '">"'],
    ["a )", '")"'],
    ["echo $'a\\nb'", "$'"],
  ])("%j", (script, construct) => {
    expect(refusal(script)).toContain(construct);
  });

  it("gives the documented reason for command substitution", () => {
    expect(refusal("fly -t $(x)")).toBe("command substitution $(...) hides which command runs");
  });

  it.each([
    "echo if then fi",
    "'if' x",
    "echo '$(not run)' '`nor this`'",
    "echo \\$\\(x\\)",
    "command -v eval",
    "exec fly x",
    "exec -a name fly x",
    "echo {a,b} }",
  ])("accepts %j: keywords and markers only count where the shell sees them", (script) => {
    expect(parseShellScript(script).ok).toBe(true);
  });
});
