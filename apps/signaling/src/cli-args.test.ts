import { describe, expect, it } from 'vitest'
import { DEFAULT_CLI_LOG_LEVEL, parseCliArgs } from './cli-args.js'
import { DEFAULT_CONFIG } from './config.js'

describe('parseCliArgs', () => {
  it('uses the config defaults when given nothing', () => {
    expect(parseCliArgs([], {})).toEqual({
      ok: true,
      help: false,
      options: {
        port: DEFAULT_CONFIG.port,
        host: DEFAULT_CONFIG.host,
        staticDir: undefined,
        iceServers: [],
        logLevel: DEFAULT_CLI_LOG_LEVEL,
        resumeSecret: undefined,
        resumeSecretFile: undefined,
        resumeGraceMs: DEFAULT_CONFIG.resumeGraceMs,
        settings: {},
      },
    })
  })

  it('reads the resume settings and rejects weak or malformed ones', () => {
    expect(parseCliArgs(['--resume-grace-ms', '500'], { PEERLANE_RESUME_SECRET: 'a-long-enough-secret' })).toMatchObject({
      ok: true,
      options: { resumeGraceMs: 500, resumeSecret: 'a-long-enough-secret' },
    })
    expect(parseCliArgs(['--resume-secret', 'short'], {})).toMatchObject({ ok: false, error: expect.stringMatching(/16 characters/) })
    expect(parseCliArgs(['--resume-grace-ms=1.5'], {})).toMatchObject({ ok: false, error: expect.stringMatching(/milliseconds/) })
  })

  it('reads the environment, and flags win over it', () => {
    const env = { PORT: '9000', HOST: '0.0.0.0', PEERLANE_STATIC_DIR: 'web', PEERLANE_ICE_SERVERS: '[{"urls":"stun:a"}]', LOG_LEVEL: 'debug' }
    expect(parseCliArgs([], env)).toMatchObject({
      ok: true,
      options: { port: 9000, host: '0.0.0.0', staticDir: 'web', iceServers: [{ urls: 'stun:a' }], logLevel: 'debug' },
    })
    const flags = ['--port', '0', '--host', '::1', '--static-dir', 'other', '--ice-servers', '[]', '--log-level', 'silent']
    expect(parseCliArgs(flags, env)).toMatchObject({
      ok: true,
      options: { port: 0, host: '::1', staticDir: 'other', iceServers: [], logLevel: 'silent' },
    })
  })

  it('recognises --help and -h', () => {
    expect(parseCliArgs(['--help'], {})).toEqual({ ok: true, help: true })
    expect(parseCliArgs(['-h'], { PORT: 'nonsense' })).toEqual({ ok: true, help: true })
  })

  it.each([
    [['--port', 'http'], /--port must be an integer/],
    [['--port', '65536'], /--port must be an integer/],
    [['--port', '-1'], /--port/],
    [['--port', '8.5'], /--port must be an integer/],
    [['--host', 'a b'], /--host must be a host name/],
    [['--ice-servers', 'stun:x'], /--ice-servers is not valid JSON/],
    [['--ice-servers', '{"urls":"stun:x"}'], /--ice-servers must be a JSON array/],
    [['--ice-servers', '[{"urls":5}]'], /--ice-servers must be a JSON array.*\/0\/urls/],
    [['--log-level', 'loud'], /--log-level must be one of/],
    [['--bogus'], /bogus/],
    [['extra'], /extra/],
  ])('rejects %j', (argv, message) => {
    const result = parseCliArgs(argv, {})
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error).toMatch(message)
  })

  it('takes a PEM public key (which starts with dashes) as the argument after --auth-public-key', () => {
    const pem = '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n'
    expect(parseCliArgs(['--auth-public-key', pem, '--port', '0'], {})).toMatchObject({ ok: true, options: { port: 0, settings: { authPublicKey: pem } } })
    expect(parseCliArgs([`--auth-public-key=${pem}`], {})).toMatchObject({ ok: true, options: { settings: { authPublicKey: pem } } })
    expect(parseCliArgs(['--auth-secret', '-starts-with-a-dash-and-is-long-enough'], {})).toMatchObject({
      ok: true,
      options: { settings: { authSecret: '-starts-with-a-dash-and-is-long-enough' } },
    })
    // A forgotten value is still an error rather than swallowing the next flag.
    expect(parseCliArgs(['--auth-public-key', '--port', '0'], {})).toMatchObject({ ok: false })
  })

  it('reads the queue, join-budget and revocation limits', () => {
    const argv = ['--max-queued-bytes', '1000', '--max-queued-bytes-total', '9000', '--join-failures-per-ip-per-minute', '5']
    expect(parseCliArgs(argv, { PEERLANE_MAX_REVOKED_RESUME_TOKENS: '10' })).toMatchObject({
      ok: true,
      options: { settings: { maxQueuedBytes: 1000, maxQueuedBytesTotal: 9000, joinFailuresPerIpPerMinute: 5, maxRevokedResumeTokens: 10 } },
    })
  })

  it('gives a negative number the flag’s own message, and still reports a flag given no value', () => {
    expect(parseCliArgs(['--max-rooms', '-5'], {})).toMatchObject({ ok: false, error: expect.stringMatching(/^--max-rooms must .*-5/) })
    expect(parseCliArgs(['--port', '--host', '127.0.0.1'], {})).toMatchObject({ ok: false, error: expect.stringMatching(/--port/) })
  })

  it('names the environment variable when the bad value came from it', () => {
    expect(parseCliArgs([], { PORT: 'x' })).toMatchObject({ ok: false, error: expect.stringMatching(/^PORT must/) })
    expect(parseCliArgs([], { PEERLANE_ICE_SERVERS: '[' })).toMatchObject({ ok: false, error: expect.stringMatching(/^PEERLANE_ICE_SERVERS/) })
  })
})

describe('parseCliArgs: the waiting room', () => {
  it('reads --lock-rooms and PEERLANE_LOCK_ROOMS, and the knock limits', () => {
    expect(parseCliArgs(['--lock-rooms', '--knock-timeout-ms', '60000', '--max-waiting-per-room', '5'], {})).toMatchObject({
      ok: true,
      options: { settings: { lockRooms: true, knockTimeoutMs: 60_000, maxWaitingPerRoom: 5 } },
    })
    expect(parseCliArgs([], { PEERLANE_LOCK_ROOMS: 'true' })).toMatchObject({ ok: true, options: { settings: { lockRooms: true } } })
    expect(parseCliArgs([], { PEERLANE_LOCK_ROOMS: '0' })).toMatchObject({ ok: true, options: { settings: { lockRooms: false } } })
    expect(parseCliArgs([], { PEERLANE_LOCK_ROOMS: 'yes' })).toMatchObject({ ok: false, error: expect.stringMatching(/^PEERLANE_LOCK_ROOMS must/) })
  })
})

describe('parseCliArgs: proxies, origin, metrics and connection budgets', () => {
  it('reads them from flags and the environment', () => {
    const argv = ['--trust-proxy', '127.0.0.1, 10.0.0.0/8', '--public-url', 'https://call.example.com', '--metrics-port', '9100', '--metrics-public']
    expect(parseCliArgs([...argv, '--join-timeout-ms', '5000', '--max-open-connections-per-ip', '8'], { PEERLANE_METRICS_HOST: '[::1]' })).toMatchObject({
      ok: true,
      options: {
        settings: {
          trustProxy: ['127.0.0.1', '10.0.0.0/8'],
          publicUrl: 'https://call.example.com',
          metricsHost: '::1',
          metricsPort: 9100,
          metricsPublic: true,
          joinTimeoutMs: 5000,
          maxOpenConnectionsPerIp: 8,
        },
      },
    })
    const env = { PEERLANE_METRICS_PUBLIC: '0', PEERLANE_UPGRADE_TIMEOUT_MS: '2000', PEERLANE_MAX_PENDING_UPGRADES_PER_IP: '4' }
    expect(parseCliArgs([], env)).toMatchObject({ ok: true, options: { settings: { metricsPublic: false, upgradeTimeoutMs: 2000, maxPendingUpgradesPerIp: 4 } } })
  })

  it.each([
    [['--metrics-port', '70000'], {}, /--metrics-port must be an integer/],
    [['--join-timeout-ms', 'soon'], {}, /--join-timeout-ms must be a whole number/],
    [[], { PEERLANE_METRICS_PUBLIC: 'yes' }, /PEERLANE_METRICS_PUBLIC must be/],
  ])('rejects %j %j', (argv, env, message) => {
    const result = parseCliArgs(argv, env)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error).toMatch(message)
  })
})

describe('parseCliArgs: TURN, TLS and the resume secret file', () => {
  it('reads them from flags and the environment', () => {
    const env = { PEERLANE_TURN_SECRET: '-a-secret-from-the-env', PEERLANE_TURN_URLS: 'turn:a:3478, turns:b:5349', PEERLANE_RESUME_SECRET_FILE: '/var/lib/peerlane/secret' }
    expect(parseCliArgs(['--turn-ttl', '600', '--tls-cert', 'c.pem', '--tls-key', 'k.pem'], env)).toMatchObject({
      ok: true,
      options: {
        resumeSecretFile: '/var/lib/peerlane/secret',
        settings: { turnSecret: '-a-secret-from-the-env', turnUrls: ['turn:a:3478', 'turns:b:5349'], turnTtlSeconds: 600, tlsCertFile: 'c.pem', tlsKeyFile: 'k.pem' },
      },
    })
    expect(parseCliArgs(['--turn-secret', '-starts-with-a-dash'], {})).toMatchObject({ ok: true, options: { settings: { turnSecret: '-starts-with-a-dash' } } })
  })

  it.each([
    [['--turn-ttl', '1h'], {}, /--turn-ttl must be a whole number of seconds/],
    [['--tls-cert', 'c.pem'], {}, /--tls-cert needs --tls-key/],
    [[], { PEERLANE_TLS_KEY: 'k.pem' }, /PEERLANE_TLS_KEY needs --tls-cert/],
    [['--resume-secret', 'a-long-enough-secret', '--resume-secret-file', 'f'], {}, /--resume-secret or --resume-secret-file, not both/],
  ])('rejects %j %j', (argv, env, message) => {
    const result = parseCliArgs(argv, env)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error).toMatch(message)
  })
})
