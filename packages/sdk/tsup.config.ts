import { defineConfig } from 'tsup'

// One entry per feature: an app pays for a feature by importing its entry, whatever its bundler.
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    chat: 'src/entries/chat.ts',
    files: 'src/entries/files.ts',
    stats: 'src/entries/stats.ts',
    'video-quality': 'src/entries/video-quality.ts',
    data: 'src/entries/data.ts',
    'error-codes': 'src/entries/error-codes.ts',
    werift: 'src/werift.ts',
  },
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  platform: 'browser',
})
