import { defineConfig } from 'tsup'

export default defineConfig({
  // main.ts starts with `#!/usr/bin/env node`; esbuild keeps an entry's hashbang and tsup marks
  // the output executable, so the banner stays on the bin alone instead of on every entry.
  entry: ['src/index.ts', 'src/main.ts'],
  format: ['esm'],
  dts: { entry: 'src/index.ts' },
  clean: true,
  sourcemap: true,
  target: 'es2022',
  platform: 'node',
})
