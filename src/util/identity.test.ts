import { hostname, userInfo } from "node:os";
import { describe, expect, it } from "vitest";
import { currentUser } from "../cli/current-user.js";
import { accountName, hostName } from "./identity.js";

describe("identity", () => {
  it("gives the names node:os gives, whichever of the addon or node:os answered", () => {
    expect(accountName()).toBe(userInfo().username);
    expect(hostName()).toBe(hostname());
  });

  it("the record's user is the account name, whatever $USER says", () => {
    expect(currentUser({ USER: "someone-else" })).toBe(userInfo().username);
  });
});
