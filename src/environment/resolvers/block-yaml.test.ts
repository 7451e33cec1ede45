import { isDeepStrictEqual } from "node:util";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { seeded } from "../../../test/helpers/random.js";
import { generatedDocument, mutated, realisticFiles } from "../../../test/helpers/yaml-samples.js";
import { parseBlockYaml } from "./block-yaml.js";

/** What the resolvers fall back to (problem.ts), warnings about tags silenced. */
function full(text: string): { value?: unknown; error?: string } {
  try {
    return { value: parse(text, { maxAliasCount: 100, logLevel: "error" }) };
  } catch (error) {
    return { error: (error as Error).message.split("\n")[0] };
  }
}

/** Files as kubectl, fly and the bosh CLI write them, and the edges of the subset. */
const SAME_AS_YAML = [
  `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUM=
    server: https://k8s-prod.example.com:6443
  name: prod
contexts:
- context:
    cluster: prod
    namespace: payments
    user: admin
  name: prod-eu
current-context: prod-eu
kind: Config
preferences: {}
users:
- name: admin
  user:
    token: abc.def
`,
  `targets:
  ci:
    api: https://ci.example.com
    team: main
    insecure: true
    token:
      type: Bearer
      value: "eyJ:x #y"
`,
  `environments:
- url: https://10.0.0.6:25555
  ca_cert: |
    -----BEGIN CERTIFICATE-----
    MIIC
      indented
    -----END CERTIFICATE-----
  alias: lite   # the local director
  username: admin
  password: 'it''s'
- alias: other
  url: "https://10.0.0.7:25555"
`,
  "# only a comment\n",
  "a:\n  - 1\n  - -2.5\n  - null\n  - ~\n  - true\n  - 0x1f\n  - 'x'\n  -\n    b: c\n",
  "---\nkey: value with spaces\nempty:\nlist:\n- a\n- b\n",
  // A key is the text of its scalar's value, as the yaml package makes it.
  "1.0: a\nnull: b\nTrue: c\n0x1f: d\n-0: e\n",
  // Comments right after the indicator, trailing blanks, comments after quoted values.
  "a: #x\nb: 'q' # c\nc: x  \nd: x\t# c\ne: | # c\n  x\nf:\n- #y\n  g: h\n- x   \n",
  "a: |-\n  x\n\n  y\n\nb: |\n\n  z\n",
  "a: x\r\nb:\r\n- y\r\n",
  '\'quoted key\': 1\n"dq\\tkey": 2\nx: "\\u00e9\\n"\n',
];

const OUTSIDE_SUBSET = [
  "a: {b: c}\n",
  "a: [1, 2]\n",
  "a: &x 1\nb: *x\n",
  "a: !!str 1\n",
  "a: >\n  folded\n",
  "a: multi\n  line plain\n",
  "a: 1\na: 2\n",
  "a:\n\tb: 1\n",
  "a:\n- - x\n",
  "a: |+\n  x\n",
  "a: |\n  x\n      \n  y\n",
  "\uFEFFa: b\n",
  "a: b\rc: d\n",
  "--- a: b\n",
  "a: 1\n---\nb: 2\n",
  "__proto__: x\n",
  "a: .inf\n",
];

describe("parseBlockYaml", () => {
  it.each(SAME_AS_YAML)("reads what the tools write as the yaml package does (%#)", (text) => {
    const simple = parseBlockYaml(text);
    expect(simple).not.toBeUndefined();
    expect(simple).toStrictEqual(parse(text));
  });

  it.each(OUTSIDE_SUBSET)("leaves anything else to the yaml package (%#)", (text) => {
    expect(parseBlockYaml(text)).toBeUndefined();
  });

  it.each(Object.entries(realisticFiles()))(
    "reads a full-size %s (long certificates and tokens) as the yaml package does",
    (_, text) => {
      const simple = parseBlockYaml(text);
      expect(simple).not.toBeUndefined();
      expect(simple).toStrictEqual(parse(text));
    },
  );

  it("reads generated and mutated files as the yaml package does, or not at all", () => {
    const cases = 4000;
    let accepted = 0;
    let rejectedValid = 0;
    const wrong: { seed: number; text: string; why: string }[] = [];
    for (let seed = 1; seed <= cases; seed++) {
      const rnd = seeded(seed);
      let text = generatedDocument(rnd);
      if (rnd() < 0.5) text = mutated(rnd, text);
      const simple = parseBlockYaml(text);
      const expected = full(text);
      if (simple === undefined) {
        if (expected.error === undefined) rejectedValid++;
        continue;
      }
      accepted++;
      if (expected.error !== undefined) wrong.push({ seed, text, why: expected.error });
      else if (!isDeepStrictEqual(simple, expected.value))
        wrong.push({ seed, text, why: "differs" });
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    // The comparison means something only if the reader takes a good share of the files.
    expect(accepted).toBeGreaterThan(cases / 10);
    expect(rejectedValid).toBeLessThan(cases);
  });
});
