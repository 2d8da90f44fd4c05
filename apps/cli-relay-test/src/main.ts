#!/usr/bin/env node
// The `peerlane-relay-test` bin: the only module that touches process.argv and the exit code.
import { runCli } from './cli.js'

process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr })
