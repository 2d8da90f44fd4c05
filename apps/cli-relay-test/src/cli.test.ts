import { describe, expect, it } from 'vitest'
import { EXIT, runCli } from './cli.js'
import { RELAY_TEST_ERROR_CODES } from './errors.js'
import { deadPort } from './test-support.js'

async function cli(...argv: string[]) {
  let stdout = ''
  let stderr = ''
  const code = await runCli(argv, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } })
  return { code, stdout, stderr }
}

describe('cli', () => {
  it.each(['check', 'load', 'fuzz'])('prints help for %s', async (command) => {
    const { code, stdout } = await cli(command, '--help')
    expect(code).toBe(EXIT.passed)
    expect(stdout).toContain(`peerlane-relay-test ${command} <url>`)
  })

  it('prints the overview without a command, with a usage exit code', async () => {
    expect(await cli()).toMatchObject({ code: EXIT.usage, stdout: expect.stringContaining('Commands:') })
    expect(await cli('--help')).toMatchObject({ code: EXIT.passed })
  })

  it.each([
    [['nope'], 'bad-argument'],
    [['check'], 'bad-argument'],
    [['check', 'not a url'], 'bad-url'],
    [['check', 'ftp://example.com'], 'bad-url'],
    [['load', 'ws://127.0.0.1:1', '--peers', 'many'], 'bad-argument'],
    [['load', 'ws://127.0.0.1:1', '--rate', '-5'], 'bad-argument'],
    [['load', 'ws://127.0.0.1:1', '--duration', 'soon'], 'bad-argument'],
    [['load', 'ws://127.0.0.1:1', '--peers', '2', '--rooms', '3'], 'bad-argument'],
    [['fuzz', 'ws://127.0.0.1:1', '--bogus'], 'bad-argument'],
  ])('rejects %j with %s and exit code 2', async (argv, errorCode) => {
    const { code, stderr } = await cli(...argv)
    expect(code).toBe(EXIT.usage)
    expect(stderr).toContain(`(${errorCode})`)
  })

  it('names the unreachable server and exits 1', async () => {
    const { code, stdout } = await cli('fuzz', `http://127.0.0.1:${await deadPort()}`, '--frames', '1', '--json')
    expect(code).toBe(EXIT.failed)
    expect(JSON.parse(stdout)).toMatchObject({ ok: false, error: { code: 'unreachable' } })
  })

  it('documents every error code', () => {
    for (const [code, text] of Object.entries(RELAY_TEST_ERROR_CODES)) expect(text.length, code).toBeGreaterThan(20)
  })
})
