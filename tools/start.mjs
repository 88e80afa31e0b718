// `npm start`: the embedded runtime (SPEC §2) is not built yet. Say so clearly rather than
// pretend; this file is replaced when apps/vigil lands.
console.error(
  [
    'Vigil: the embedded runtime (apps/vigil) is not built yet.',
    'What exists today is the clinical core: contracts, NEWS2 scoring, device codecs, the stream',
    'and storage libraries. Run `npm test` to exercise them; see README.md and docs/architecture.md.',
  ].join('\n'),
);
process.exit(1);
