#!/usr/bin/env node
// Inside a scratch project that installed the tarballs (its cwd), in a loopback-only namespace:
// the packed `peerlane-signaling` bin serves, and the packed `peerlane-relay-test check` must pass
// against it and exit 0 within 2 s of printing its verdict.
import { spawn } from 'node:child_process'

const VERDICT_EXIT_LIMIT_MS = 2_000
const CHECK_LIMIT_MS = 60_000

const server = spawn('node_modules/.bin/peerlane-signaling', ['--port', '0', '--log-level', 'silent'], { stdio: ['ignore', 'pipe', 'inherit'] })
const fail = (message) => {
  server.kill('SIGKILL')
  console.error(`smoke-bins: ${message}`)
  process.exit(1)
}
const url = await new Promise((resolve) => {
  let out = ''
  const timer = setTimeout(() => fail(`peerlane-signaling printed no URL within 20 s: ${out}`), 20_000)
  server.stdout.setEncoding('utf8').on('data', (chunk) => {
    out += chunk
    const match = /listening on http:\/\/(\S+)/.exec(out)
    if (match) {
      clearTimeout(timer)
      resolve(`ws://${match[1]}/ws`)
    }
  })
  server.once('exit', (code) => fail(`peerlane-signaling exited with ${code}: ${out}`))
})

const check = spawn('node_modules/.bin/peerlane-relay-test', ['check', url], { stdio: ['ignore', 'pipe', 'inherit'] })
let report = ''
let verdictAt
check.stdout.setEncoding('utf8').on('data', (chunk) => {
  report += chunk
  if (verdictAt === undefined && /^(PASS|FAIL)/m.test(report)) verdictAt = performance.now()
})
const killer = setTimeout(() => check.kill('SIGKILL'), CHECK_LIMIT_MS)
const code = await new Promise((resolve) => check.once('close', (exitCode) => resolve(exitCode)))
clearTimeout(killer)
const afterVerdict = verdictAt === undefined ? undefined : performance.now() - verdictAt
server.removeAllListeners('exit')
server.kill('SIGTERM')
if (code !== 0) fail(`peerlane-relay-test check exited ${code}:\n${report}`)
if (afterVerdict === undefined || afterVerdict > VERDICT_EXIT_LIMIT_MS) fail(`peerlane-relay-test check took ${afterVerdict?.toFixed(0)} ms to exit after its verdict (limit ${VERDICT_EXIT_LIMIT_MS})`)
console.log(`smoke-bins: check passed against the packed server and exited ${afterVerdict.toFixed(0)} ms after its verdict`)
