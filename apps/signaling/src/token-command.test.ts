import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { createAuthenticator } from './auth.js'
import { parseCliArgs } from './cli-args.js'
import { DEFAULT_TOKEN_TTL_SECONDS } from './config.js'
import { parseTokenCommand } from './token-command.js'

const SECRET = 'cli-secret-that-is-long-enough-for-hs256'
const packageDir = fileURLToPath(new URL('..', import.meta.url))

describe('peerlane-signaling token', () => {
  it('parses its flags and refuses incomplete or unknown ones', () => {
    expect(parseTokenCommand(['--room', 'r', '--identity', 'ada', '--capabilities', 'share-screen, room-admin'], { PEERLANE_AUTH_SECRET: SECRET })).toEqual({
      ok: true,
      help: false,
      command: { room: 'r', identity: 'ada', name: undefined, ttlSeconds: DEFAULT_TOKEN_TTL_SECONDS, capabilities: ['share-screen', 'room-admin'], secret: SECRET, privateKeyFile: undefined },
    })
    // Without --capabilities the token has no caps claim (the defaults); an empty list grants nothing.
    expect(parseTokenCommand(['--room', 'r', '--identity', 'ada', '--secret', SECRET], {})).toMatchObject({ ok: true, command: { capabilities: undefined } })
    expect(parseTokenCommand(['--room', 'r', '--identity', 'ada', '--secret', SECRET, '--capabilities', ''], {})).toMatchObject({ ok: true, command: { capabilities: [] } })
    expect(parseTokenCommand(['--identity', 'ada', '--secret', SECRET], {})).toMatchObject({ ok: false, error: '--room is required' })
    expect(parseTokenCommand(['--room', 'r', '--identity', 'a'], {})).toMatchObject({ ok: false, error: /exactly one of --secret/ })
    expect(parseTokenCommand(['--room', 'r', '--identity', 'a', '--secret', SECRET, '--ttl', '0'], {})).toMatchObject({ ok: false, error: /--ttl/ })
    // A negative value is the flag's value with the flag's own message, not parseArgs' "ambiguous".
    expect(parseTokenCommand(['--room', 'r', '--identity', 'a', '--secret', SECRET, '--ttl', '-5'], {})).toMatchObject({ ok: false, error: '--ttl must be a positive whole number of seconds, got "-5"' })
    expect(parseTokenCommand(['--room', 'r', '--identity', 'a', '--secret', SECRET, '--capabilities', 'fly'], {})).toMatchObject({ ok: false, error: /unknown capabilities: fly/ })
  })

  it('prints a token the server accepts', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'src/main.ts', 'token', '--secret', SECRET, '--room', 'team-*', '--identity', 'ada', '--name', 'Ada', '--ttl', '60'],
      { cwd: packageDir, timeout: 15_000 },
    )
    const auth = await createAuthenticator({ secret: SECRET })
    expect(await auth?.verify(stdout.trim(), 'team-blue')).toMatchObject({ ok: true, claims: { identity: 'ada', name: 'Ada' } })
  })
})

describe('server flags', () => {
  it('reads auth, origin and limit settings from flags and the environment', () => {
    const parsed = parseCliArgs(['--max-rooms', '7', '--duplicate-identity', 'reject', '--allowed-origins', 'https://a.example, https://b.example'], {
      PEERLANE_AUTH_SECRET: SECRET,
      PEERLANE_DRAIN_TIMEOUT_MS: '2500',
    })
    expect(parsed).toMatchObject({
      ok: true,
      options: {
        settings: {
          maxRooms: 7,
          duplicateIdentity: 'reject',
          allowedOrigins: ['https://a.example', 'https://b.example'],
          authSecret: SECRET,
          drainTimeoutMs: 2500,
        },
      },
    })
    expect(parseCliArgs(['--max-rooms', 'many'], {})).toMatchObject({ ok: false, error: /--max-rooms must be a whole number/ })
    expect(parseCliArgs(['--duplicate-identity', 'both'], {})).toMatchObject({ ok: false, error: /replace or reject/ })
  })
})
