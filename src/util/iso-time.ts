/**
 * `new Date(ms).toISOString()`, by arithmetic. The first toISOString() in a process sets up
 * V8's local time-zone cache (ICU reads /etc/localtime and its zone data): 0.7-1.9 ms on the
 * machines measured, though a UTC timestamp never needs a zone. A command no rule matches
 * formats three timestamps (docs/performance.md); everything else may keep toISOString.
 */
const DAY_MS = 86_400_000;

const pad = (n: number, width: number) => String(n).padStart(width, "0");

export function isoTime(ms: number): string {
  // Years 0-9999 only: beyond them toISOString writes ±YYYYYY, and an invalid time throws.
  if (!(ms >= -62_167_219_200_000 && ms < 253_402_300_800_000)) {
    return new Date(ms).toISOString();
  }
  const whole = Math.trunc(ms);
  const days = Math.floor(whole / DAY_MS);
  const inDay = whole - days * DAY_MS;
  // Days since 1970-01-01 to a proleptic Gregorian date: Howard Hinnant's civil_from_days.
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear =
    dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shifted = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shifted + 2) / 5) + 1;
  const month = shifted < 10 ? shifted + 3 : shifted - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const hours = Math.floor(inDay / 3_600_000);
  const minutes = Math.floor((inDay % 3_600_000) / 60_000);
  const seconds = Math.floor((inDay % 60_000) / 1000);
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(hours, 2)}:${pad(minutes, 2)}:${pad(seconds, 2)}.${pad(inDay % 1000, 3)}Z`;
}
