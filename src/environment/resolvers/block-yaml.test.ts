import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseBlockYaml } from "./block-yaml.js";

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
];

describe("parseBlockYaml", () => {
  it.each(SAME_AS_YAML)("reads what the tools write as the yaml package does (%#)", (text) => {
    const simple = parseBlockYaml(text);
    expect(simple).not.toBeUndefined();
    expect(simple).toEqual(parse(text));
  });

  it.each(OUTSIDE_SUBSET)("leaves anything else to the yaml package (%#)", (text) => {
    expect(parseBlockYaml(text)).toBeUndefined();
  });
});
