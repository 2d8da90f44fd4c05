import { CLIENT_MESSAGES } from './client-messages.js'
import { compactSchema } from './compact-schema.js'
import type { Sender } from './decode-core.js'
import { ERROR_CODES } from './error-codes.js'
import { CLOSE_CODES } from './close-codes.js'
import { PEER_MESSAGES } from './peer-messages.js'
import { SERVER_MESSAGES } from './server-messages.js'
import { PEER_PROTOCOL_VERSION, PROTOCOL_VERSION } from './version.js'

const SCHEMA_FILE = `protocol.v${PROTOCOL_VERSION}.json`

/** The file name of the committed JSON Schema, under `schema/`. */
export const JSON_SCHEMA_FILE = SCHEMA_FILE

/** The file names of the committed annotation-free schemas `decode` walks (one per sender), under `schema/`. */
export const COMPACT_SCHEMA_FILES: Readonly<Record<Sender, string>> = {
  client: `protocol.v${PROTOCOL_VERSION}.client.compact.json`,
  server: `protocol.v${PROTOCOL_VERSION}.server.compact.json`,
  peer: `protocol.v${PROTOCOL_VERSION}.peer.compact.json`,
}

/**
 * The JSON Schema (draft 2020-12) of every wire message, as committed in
 * `schema/protocol.v1.json`. Generated from the TypeBox schemas, so the two cannot disagree;
 * a test fails when the committed file drifts from this.
 */
export function protocolJsonSchema(): Record<string, unknown> {
  // JSON round trip drops TypeBox's symbol keys and yields plain JSON Schema.
  const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T
  const refs = (messages: Record<string, unknown>, prefix: string) =>
    Object.keys(messages).map((type) => ({ $ref: `#/$defs/${prefix}.${type}` }))
  const defs = (messages: Record<string, unknown>, prefix: string) =>
    Object.fromEntries(Object.entries(messages).map(([type, schema]) => [`${prefix}.${type}`, plain(schema)]))
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `https://peerlane.dev/schema/${SCHEMA_FILE}`,
    title: `Peerlane signaling protocol v${PROTOCOL_VERSION}`,
    description:
      'JSON text frames over WebSocket, one message per frame, discriminated by `type`. ' +
      'client.* are sent by clients; server.* by the server; peer.* by one SDK to another over their data channels (x-peer-protocol-version).',
    'x-protocol-version': PROTOCOL_VERSION,
    'x-peer-protocol-version': PEER_PROTOCOL_VERSION,
    'x-error-codes': ERROR_CODES,
    'x-close-codes': CLOSE_CODES,
    // Client and server messages overlap (a relayed offer is a valid client offer with a
    // `from`), so the root is anyOf; within one direction exactly one message type matches.
    anyOf: [{ $ref: '#/$defs/ClientMessage' }, { $ref: '#/$defs/ServerMessage' }, { $ref: '#/$defs/PeerMessage' }],
    $defs: {
      ClientMessage: { oneOf: refs(CLIENT_MESSAGES, 'client') },
      ServerMessage: { oneOf: refs(SERVER_MESSAGES, 'server') },
      PeerMessage: { oneOf: refs(PEER_MESSAGES, 'peer') },
      ...defs(CLIENT_MESSAGES, 'client'),
      ...defs(SERVER_MESSAGES, 'server'),
      ...defs(PEER_MESSAGES, 'peer'),
    },
  }
}

/** The committed file's exact text: stable key order, two-space indent, final newline. */
export function protocolJsonSchemaText(): string {
  return `${JSON.stringify(protocolJsonSchema(), null, 2)}\n`
}

/** The exact text of `sender`'s compact schema file: one line, derived from the full schema. */
export function compactJsonSchemaText(sender: Sender): string {
  return `${JSON.stringify(compactSchema(protocolJsonSchema() as { $defs: Record<string, unknown> }, sender))}\n`
}
