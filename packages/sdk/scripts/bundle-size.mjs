// What @peerlane/sdk costs an app, bundled from source with esbuild (minified, then gzip -9):
// `basic` is a plain call from the core entry (join with tracks, events, leave; reconnect and
// resume come with it), `full` is the core and every feature entry (chat, files, stats,
// video-quality, data). `pnpm bench` reports both; `pnpm test` (bundle-size.test.ts) holds them
// to CEILINGS. The full SDK's ceiling is the target (20 KiB); the basic call's sits above
// its target (10 KiB) and only stops growth. What stands between (see the SDK README, "Size and
// CSP"): the protocol's validation of what the server and peers send (their compact schemas and
// the schema walker, about 2.9 KiB of a basic call), the API the core must keep (host moderation,
// screen share, safety numbers, ICE-server renewal: about 1.5 KiB), and the call itself.
import { gzipSync } from 'node:zlib'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

export const TARGETS = { basic: 10 * 1024, full: 20 * 1024 }
export const CEILINGS = { basic: 12.5 * 1024, full: 20 * 1024 }

const sdk = fileURLToPath(new URL('../src/index.ts', import.meta.url))
const entries = ['chat', 'files', 'stats', 'video-quality', 'data'].map((name) => fileURLToPath(new URL(`../src/entries/${name}.ts`, import.meta.url)))
const APPS = {
  basic: `import { PeerlaneClient } from ${JSON.stringify(sdk)}
const client = new PeerlaneClient({ url: 'wss://example.com/ws' })
client.on('track', ({ peer, streams }) => console.log(peer.id, streams))
client.on('peer-left', (peer) => console.log(peer.id))
const stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true })
await client.join('room', { stream })
client.leave()`,
  full: [sdk, ...entries].map((path) => `export * from ${JSON.stringify(path)}`).join('\n'),
}

async function measure(contents) {
  const result = await build({
    stdin: { contents, resolveDir: fileURLToPath(new URL('..', import.meta.url)), loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
  })
  const code = result.outputFiles[0].contents
  const inputs = Object.values(result.metafile.outputs)[0].inputs
  const byModule = Object.fromEntries(
    Object.entries(inputs)
      .map(([path, { bytesInOutput }]) => [path.replace(/^.*?packages\//, ''), bytesInOutput])
      .sort((a, b) => b[1] - a[1]),
  )
  return { minifiedBytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length, minifiedBytesByModule: byModule }
}

/** Sizes of the basic call and of the full SDK. */
export async function measureSdkSize() {
  return { basic: await measure(APPS.basic), full: await measure(APPS.full) }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const sizes = await measureSdkSize()
  for (const [name, size] of Object.entries(sizes)) {
    console.log(`${name}: ${size.minifiedBytes} B min, ${size.gzipBytes} B min+gz (ceiling ${CEILINGS[name]} B, target ${TARGETS[name]} B)`)
    if (process.argv.includes('--verbose')) console.log(size.minifiedBytesByModule)
  }
}
