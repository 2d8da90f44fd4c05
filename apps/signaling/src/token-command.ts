import { parseArgs, type ParseArgsConfig } from 'node:util'
import { joinDashedValues } from './dashed-values.js'
import { CAPABILITIES, DEFAULT_CAPABILITIES, isCapability, type Capability } from '@peerlane/protocol'
import { DEFAULT_TOKEN_TTL_SECONDS } from './config.js'

export const TOKEN_USAGE = `Usage: peerlane-signaling token --room <room> --identity <id> (--secret <s> | --private-key-file <path>) [options]

Mints a room token (a JWT) for one participant and prints it. A backend does the same with the
exported mintToken() after it has authenticated the user.

  --room <room|pattern>       room name, or a pattern where * matches any run (team-*, *)
  --identity <id>             the participant's identity (the token's sub); one session per identity and room
  --secret <s>                PEERLANE_AUTH_SECRET            HS256 secret, the server's --auth-secret
  --private-key-file <path>   PEERLANE_AUTH_PRIVATE_KEY_FILE  ES256 private key (PEM PKCS#8 or JWK), matching --auth-public-key
  --name <name>               display name (wins over the name the client sends)
  --ttl <seconds>             lifetime (default ${DEFAULT_TOKEN_TTL_SECONDS})
  --capabilities <list>       comma-separated, exactly what the token grants: ${CAPABILITIES.join(', ')}
                              (default: no caps claim, which grants ${DEFAULT_CAPABILITIES.join(', ')})
  -h, --help                  show this help
`

export interface TokenCommand {
  readonly room: string
  readonly identity: string
  readonly name: string | undefined
  readonly ttlSeconds: number
  /** Undefined: no `caps` claim (the defaults). */
  readonly capabilities: Capability[] | undefined
  readonly secret: string | undefined
  /** main.ts reads the key file. */
  readonly privateKeyFile: string | undefined
}

export type TokenCommandParse =
  | { readonly ok: true; readonly help: true }
  | { readonly ok: true; readonly help: false; readonly command: TokenCommand }
  | { readonly ok: false; readonly error: string }

const TOKEN_OPTIONS = {
  room: { type: 'string' },
  identity: { type: 'string' },
  secret: { type: 'string' },
  'private-key-file': { type: 'string' },
  name: { type: 'string' },
  ttl: { type: 'string' },
  capabilities: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies NonNullable<ParseArgsConfig['options']>

/** Parses the arguments after `token`, and the environment; reads nothing else. */
export function parseTokenCommand(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): TokenCommandParse {
  let values: Record<string, string | boolean | undefined>
  try {
    values = parseArgs({
      args: joinDashedValues(argv, TOKEN_OPTIONS),
      strict: true,
      allowPositionals: false,
      options: TOKEN_OPTIONS,
    }).values
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) }
  }
  if (values.help === true) return { ok: true, help: true }
  const text = (key: string): string | undefined => (typeof values[key] === 'string' ? (values[key] as string) : undefined)
  const room = text('room')
  const identity = text('identity')
  if (room === undefined) return { ok: false, error: '--room is required' }
  if (identity === undefined || identity === '') return { ok: false, error: '--identity is required' }
  const secret = text('secret') ?? (env.PEERLANE_AUTH_SECRET || undefined)
  const privateKeyFile = text('private-key-file') ?? (env.PEERLANE_AUTH_PRIVATE_KEY_FILE || undefined)
  if ((secret === undefined) === (privateKeyFile === undefined)) return { ok: false, error: 'give exactly one of --secret or --private-key-file' }
  const ttl = text('ttl')
  if (ttl !== undefined && !/^[1-9]\d*$/.test(ttl)) return { ok: false, error: `--ttl must be a positive whole number of seconds, got "${ttl}"` }
  const listed = text('capabilities')
  const capabilities = listed === undefined ? undefined : listed.split(',').map((cap) => cap.trim()).filter((cap) => cap !== '')
  const unknown = (capabilities ?? []).filter((cap) => !isCapability(cap))
  if (unknown.length > 0) return { ok: false, error: `unknown capabilities: ${unknown.join(', ')} (known: ${CAPABILITIES.join(', ')})` }
  return {
    ok: true,
    help: false,
    command: {
      room,
      identity,
      name: text('name'),
      ttlSeconds: ttl === undefined ? DEFAULT_TOKEN_TTL_SECONDS : Number(ttl),
      capabilities: capabilities as Capability[] | undefined,
      secret,
      privateKeyFile,
    },
  }
}
