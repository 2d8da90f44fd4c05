#!/usr/bin/env node
// Runs a command inside a network namespace that has only loopback, so WebRTC tests (browsers,
// werift peers, TURN) can never send a packet anywhere else. Servers the command starts live
// in the same namespace. Usage: node scripts/run-isolated.mjs <command> [args...]
import { spawnSync } from 'node:child_process'

const MARKER = 'PEERLANE_ISOLATED'
const [command, ...args] = process.argv.slice(2)
if (!command) {
  console.error('usage: run-isolated.mjs <command> [args...]')
  process.exit(2)
}

const run = (file, argv, env) => spawnSync(file, argv, { stdio: 'inherit', env })
const result =
  process.env[MARKER] === '1'
    ? run(command, args, process.env)
    : run(
        'unshare',
        ['--net', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', command, ...args],
        { ...process.env, [MARKER]: '1' },
      )
if (result.error) {
  console.error(`run-isolated: ${result.error.message} (needs root and util-linux's unshare, iproute2's ip)`)
  process.exit(1)
}
process.exit(result.status ?? 1)
