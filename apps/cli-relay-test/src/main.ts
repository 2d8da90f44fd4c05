#!/usr/bin/env node
// The `peerlane-relay-test` bin: the only module that touches process.argv and the exit code.
import { runCli } from './cli.js'

const code = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr })
// Exit explicitly once the verdict is out: werift 0.24 keeps one UDP socket per peer connection
// bound after close(), which would hold the event loop open forever and hang `check && deploy`.
await Promise.all([flushed(process.stdout), flushed(process.stderr)])
process.exit(code)

function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write('', () => resolve()))
}
