import { describe, expect, it } from "vitest";
import { isoTime } from "./iso-time.js";

describe("isoTime", () => {
  it("gives what toISOString gives, at the edges of days, months, years and leap years", () => {
    const edges = [
      0,
      -1,
      1,
      951_782_399_999,
      951_782_400_000,
      951_868_800_000,
      4_107_542_399_999,
      4_107_542_400_000,
      -62_167_219_200_000,
      253_402_300_799_999,
      Date.UTC(2024, 1, 29, 23, 59, 59, 999),
      Date.UTC(2100, 1, 28, 12),
      Date.UTC(2100, 2, 1),
      Date.UTC(1900, 1, 28),
      Date.UTC(1600, 1, 29),
      Date.UTC(2026, 11, 7, 2, 18, 33, 433),
      1.5,
      -0.5,
    ];
    for (const ms of edges) expect(isoTime(ms), String(ms)).toBe(new Date(ms).toISOString());
  });

  it("gives what toISOString gives for 100,000 times across years 0 to 9999", () => {
    let seed = 42;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    for (let i = 0; i < 100_000; i++) {
      const ms = Math.floor(-62_167_219_200_000 + next() * 315_569_520_000_000);
      expect(isoTime(ms)).toBe(new Date(ms).toISOString());
    }
  });

  it("writes years outside 0-9999 as toISOString does, and throws as it does for an invalid time", () => {
    for (const ms of [-62_167_219_200_001, 253_402_300_800_000, 8.64e15, -8.64e15]) {
      expect(isoTime(ms)).toBe(new Date(ms).toISOString());
    }
    expect(() => isoTime(Number.NaN)).toThrow(RangeError);
    expect(() => isoTime(8.64e15 + 1)).toThrow(RangeError);
  });
});
