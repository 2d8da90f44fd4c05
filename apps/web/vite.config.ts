import { defineConfig, type Plugin } from 'vite'

// The signaling server's dev script listens here (PORT, default 8787); proxying `/ws` keeps the
// browser on one origin, exactly as in production, where the signaling server also serves the built app.
const SIGNALING_DEV_TARGET = `http://127.0.0.1:${process.env.PORT || 8787}`

function announceUrl(): Plugin {
  return {
    name: 'peerlane-announce-url',
    configureServer(server) {
      server.httpServer?.once('listening', () => {
        setImmediate(() => {
          const url = server.resolvedUrls?.local[0]
          if (url) server.config.logger.info(`\n  Peerlane: open ${url} (signaling proxied from /ws to ${SIGNALING_DEV_TARGET})\n`)
        })
      })
    },
  }
}

export default defineConfig({
  plugins: [announceUrl()],
  server: {
    port: Number(process.env.VITE_PORT || 5173),
    strictPort: true,
    host: '127.0.0.1',
    proxy: {
      '/ws': { target: SIGNALING_DEV_TARGET, ws: true },
    },
  },
  preview: { port: 4173, host: '127.0.0.1' },
  build: { sourcemap: true },
})
