import { describe, expect, it } from "vitest";
import { parseShorthand, ShorthandError } from "./shorthand.js";

describe("parseShorthand", () => {
  it("reads the --ip-permissions example from the AWS CLI documentation", () => {
    expect(
      parseShorthand(
        "IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=203.0.113.0/24,Description=SSH access from the office}]",
      ),
    ).toEqual({
      IpProtocol: "tcp",
      FromPort: "22",
      ToPort: "22",
      IpRanges: [{ CidrIp: "203.0.113.0/24", Description: "SSH access from the office" }],
    });
  });

  it("reads several hashes in a list, and negative numbers", () => {
    expect(
      parseShorthand(
        "IpProtocol=icmp,FromPort=-1,ToPort=-1,UserIdGroupPairs=[{GroupId=sg-1},{GroupId=sg-2,Description=peers}]",
      ),
    ).toEqual({
      IpProtocol: "icmp",
      FromPort: "-1",
      ToPort: "-1",
      UserIdGroupPairs: [{ GroupId: "sg-1" }, { GroupId: "sg-2", Description: "peers" }],
    });
  });

  it("reads Key=a,b,c as a list, up to the next key", () => {
    expect(parseShorthand("Values=a,b,c,Name=x")).toEqual({ Values: ["a", "b", "c"], Name: "x" });
  });

  it("keeps quoted commas and escaped commas inside a value", () => {
    expect(parseShorthand(`A="x,y",B='p,q',C=r\\,s`)).toEqual({ A: "x,y", B: "p,q", C: "r,s" });
  });

  it("allows spaces around separators", () => {
    expect(parseShorthand("IpRanges = [ { CidrIp = 10.0.0.0/8 } ] , IpProtocol = udp")).toEqual({
      IpRanges: [{ CidrIp: "10.0.0.0/8" }],
      IpProtocol: "udp",
    });
  });

  it.each([
    ["IpProtocol=tcp,IpProtocol=udp", /appears twice/],
    ["IpRanges=[{CidrIp=10.0.0.0/8}", /expected/],
    ["=tcp", /expected a key/],
    ["IpProtocol", /expected '='/],
  ])("rejects %j", (text, message) => {
    expect(() => parseShorthand(text)).toThrow(ShorthandError);
    expect(() => parseShorthand(text)).toThrow(message);
  });
});
