/** A count given on a benchmark's command line (`100000`, `100_000` or `100,000`); anything but a positive integer is refused. */
export function countOption(name: string, text: string): number {
  const value = Number(text.replace(/[_,]/g, ''));
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer, got ${JSON.stringify(text)}`);
  return value;
}
