import { describe, expect, it } from "vitest";
import { tellingLine } from "./run-check.js";

describe("tellingLine", () => {
  it("picks the line that reads like the error, not a preamble", () => {
    expect(
      tellingLine(
        "CN = consul.internal\nerror 62 at 0 depth lookup: hostname mismatch\nerror tls.crt: verification failed\n",
      ),
    ).toBe("error 62 at 0 depth lookup: hostname mismatch");
    expect(tellingLine('psql: error: connection to server at "127.0.0.1" failed')).toMatch(
      /^psql: error/,
    );
  });

  it("falls back to the first non-empty line", () => {
    expect(tellingLine("\n\npipeline not found\nmore")).toBe("pipeline not found");
    expect(tellingLine("")).toBe("");
  });
});
