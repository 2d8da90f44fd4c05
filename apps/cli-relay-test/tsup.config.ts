import { defineConfig } from 'tsup'

export default defineConfig({
  // main.ts starts with `#!/usr/bin/env node`; esbuild keeps an entry's hashbang and tsup marks
  // that output executable, so only the bin carries it.
  entry: ['src/index.ts', 'src/main.ts'],
  format: ['esm'],
  dts: { entry: 'src/index.ts' },
  clean: true,
  sourcemap: true,
  target: 'es2022',
  platform: 'node',
})
