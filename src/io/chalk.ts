/** A chalk instance with colour on or off; chalk itself (an ES module) loads only when asked. */
export async function chalkFor(color: boolean) {
  const { Chalk } = await import("chalk");
  return new Chalk({ level: color ? 2 : 0 });
}
