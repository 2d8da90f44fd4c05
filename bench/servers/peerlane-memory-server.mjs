// The Peerlane server in-process, for the memory section: the same createSignalingServer the bin
// runs, plus an IPC channel that reports process.memoryUsage() (heap figures /proc cannot give).
import { createSignalingServer } from '@peerlane/signaling'
import { BENCH_LIMITS } from '../lib/servers.mjs'

const server = await createSignalingServer({ port: 0, logger: 'silent', ...BENCH_LIMITS })
console.log(`listening ${server.port}`)
process.on('message', () => process.send(process.memoryUsage()))
process.on('SIGTERM', () => server.close().then(() => process.exit(0)))
