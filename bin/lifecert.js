#!/usr/bin/env node
// The `lifecert` command. The sources are TypeScript run by Node's type stripping (Node ≥ 24).
const [major] = process.versions.node.split('.').map(Number);
if (major < 24) {
  process.stderr.write(
    `lifecert needs Node.js 24 or newer (this is ${process.version}). ` +
      'Run it through npm (npx lifecert … or npm run lifecert -- …) so the project\'s own Node 24 is used.\n',
  );
  process.exit(1);
}
await import('../cli/main.ts');
