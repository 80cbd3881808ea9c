// Bundle the CLI into one ES module file: node scripts/bundle.mjs OUT.
// CommonJS dependencies expect require/__dirname, which an ES module lacks:
// the banner defines them from import.meta.url.
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

const outfile = process.argv[2] ?? 'dist/drover.mjs';
await build({
  entryPoints: ['runner/cli.ts'],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  outfile,
  external: ['cpu-features', '*.node'],
  // The bundle has no package.json beside it: `drover --version` reads this instead.
  define: { __DROVER_VERSION__: JSON.stringify(JSON.parse(readFileSync('package.json', 'utf8')).version) },
  banner: {
    js: [
      "import { createRequire as __droverRequire } from 'node:module';",
      "import { fileURLToPath as __droverPath } from 'node:url';",
      'const require = __droverRequire(import.meta.url);',
      'const __filename = __droverPath(import.meta.url);',
      "const __dirname = __droverPath(new URL('.', import.meta.url));",
    ].join(' '),
  },
  logLevel: 'warning',
});
