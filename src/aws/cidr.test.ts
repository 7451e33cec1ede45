import { describe, expect, it } from "vitest";
import { canonicalCidr, canonicalCidr4, canonicalCidr6 } from "./cidr.js";

describe("canonicalCidr4", () => {
  it.each([
    ["10.1.2.3/8", "10.0.0.0/8"],
    ["10.20.1.7/24", "10.20.1.0/24"],
    ["192.168.1.255/32", "192.168.1.255/32"],
    ["0.0.0.0/0", "0.0.0.0/0"],
    ["255.255.255.255/0", "0.0.0.0/0"],
    [" 172.16.5.4/12 ", "172.16.0.0/12"],
  ])("%s is stored as %s", (written, stored) => {
    expect(canonicalCidr4(written)).toBe(stored);
  });

  it.each(["10.0.0.0", "10.0.0.256/8", "10.0.0.0/33", "10.0.0/8", "a.b.c.d/8", ""])(
    "%j is not a CIDR block",
    (text) => {
      expect(canonicalCidr4(text)).toBeUndefined();
    },
  );
});

describe("canonicalCidr6", () => {
  it.each([
    ["2001:DB8::1/32", "2001:db8::/32"],
    ["2001:0db8:0000:0000:0000:0000:0000:0001/128", "2001:db8::1/128"],
    ["::/0", "::/0"],
    ["2001:db8:0:0:1:0:0:1/128", "2001:db8::1:0:0:1/128"],
    ["fe80::abcd/64", "fe80::/64"],
  ])("%s is stored as %s", (written, stored) => {
    expect(canonicalCidr6(written)).toBe(stored);
  });

  it.each(["2001:db8::/129", "2001:db8:::1/64", "2001:db8::g/64", "1:2:3:4:5:6:7:8:9/64", "::1"])(
    "%j is not a CIDR block",
    (text) => {
      expect(canonicalCidr6(text)).toBeUndefined();
    },
  );
});

it("canonicalCidr picks the family by the colon", () => {
  expect(canonicalCidr("10.9.8.7/16")).toBe("10.9.0.0/16");
  expect(canonicalCidr("2001:db8::7/48")).toBe("2001:db8::/48");
});
