import { build } from 'esbuild'
import { gzipSync } from 'node:zlib'
const r = await build({ stdin: { contents: `import { PeerlaneClient } from './src/index.ts'; const c = new PeerlaneClient({url:'x'}); c.on('track', console.log); await c.join('r', {}); c.leave()`, resolveDir: process.cwd(), loader: 'js' }, bundle: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, minify: true, logLevel: 'silent', metafile: true })
const code = r.outputFiles[0].text
console.error(code.length, gzipSync(code,{level:9}).length)
console.log(code)
