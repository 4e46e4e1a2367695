/**
 * `npm run bench -- <suite>`: each suite runs Hegui and the peer a user would otherwise choose, side by side in one
 * run, and prints medians and ratios. Fixtures are generated once into .bench/ (not committed).
 */
const suites: Record<string, () => Promise<void>> = {
  label: async () => (await import('./label.ts')).run(),
  log: async () => (await import('./log.ts')).run(),
  pdq: async () => (await import('./pdq.ts')).run(),
  review: async () => (await import('./review.ts')).run(),
  verify: async () => (await import('./verify.ts')).run(),
  'explicit-text': async () => (await import('./explicit-audio-text.ts')).run(),
  explicit: async () => (await import('./explicit.ts')).run(),
  gateway: async () => (await import('./gateway.ts')).run(),
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length ? wanted : Object.keys(suites);
for (const n of names) {
  const suite = suites[n];
  if (!suite) {
    console.error(`unknown bench suite "${n}"; suites: ${Object.keys(suites).join(', ')}`);
    process.exit(2);
  }
  console.log(`\n== bench: ${n} ==`);
  await suite();
}
