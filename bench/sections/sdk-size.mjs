// Section 3: what @peerlane/sdk adds to a browser bundle (core: dist/index.js with its protocol
// dependency bundled in), minified, then gzip -9 and brotli -11; and, tree-shaken from source,
// a basic call against the full SDK (the figures `pnpm test` holds to their ceilings).
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { measureSdkSize, TARGETS } from '../../packages/sdk/scripts/bundle-size.mjs'

export async function sdkSizeSection(log) {
  const entry = fileURLToPath(new URL('../../packages/sdk/dist/index.js', import.meta.url))
  const result = await build({ entryPoints: [entry], bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, metafile: true, logLevel: 'silent' })
  const code = result.outputFiles[0].contents
  const output = Object.values(result.metafile.outputs)[0]
  const byPackage = {}
  for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
    const name = /packages\/([^/]+)\//.exec(path)?.[1] ?? 'other'
    const key = path.endsWith('.json') ? `${name} (JSON schema)` : name
    byPackage[key] = (byPackage[key] ?? 0) + bytesInOutput
  }
  const sizes = {
    minifiedBytes: code.length,
    gzipBytes: gzipSync(code, { level: 9 }).length,
    brotliBytes: brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    minifiedBytesByPackage: byPackage,
  }
  log(`  sdk: ${sizes.minifiedBytes} B min, ${sizes.gzipBytes} B gzip, ${sizes.brotliBytes} B brotli`)
  const calls = await measureSdkSize()
  for (const name of ['basic', 'full']) {
    const { minifiedBytes, gzipBytes } = calls[name]
    sizes[name] = { minifiedBytes, gzipBytes, targetGzipBytes: TARGETS[name] }
    log(`  sdk ${name} call (tree-shaken): ${minifiedBytes} B min, ${gzipBytes} B min+gz (target ${TARGETS[name]} B)`)
  }
  return sizes
}
