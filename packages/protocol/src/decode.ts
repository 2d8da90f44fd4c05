import clientSchema from '../schema/protocol.v1.client.compact.json' with { type: 'json' }
import peerSchema from '../schema/protocol.v1.peer.compact.json' with { type: 'json' }
import serverSchema from '../schema/protocol.v1.server.compact.json' with { type: 'json' }
import type { ClientMessage } from './client-messages.js'
import { decodeWith, validateWith, type DecodeResult, type MessageSchemas, type Sender } from './decode-core.js'
import { PEER_LIMITS } from './limits.js'
import type { PeerMessage } from './peer-messages.js'
import type { ServerMessage } from './server-messages.js'

export type { DecodeError, DecodeResult, Sender } from './decode-core.js'

type MessageOf<S extends Sender> = S extends 'client' ? ClientMessage : S extends 'server' ? ServerMessage : PeerMessage

// Validation walks the committed compact JSON Schemas (derived from the full one, which a test
// keeps identical to the TypeBox definitions), one per sender, so this module carries no TypeBox
// runtime and no documentation into browsers and never compiles code. Each sender's decoder
// references only its own schema: a bundle that decodes server and peer frames (the SDK) leaves
// the client messages out.
const schemasOf = (schema: { $defs: unknown }): MessageSchemas => schema.$defs as MessageSchemas

/** Parses and validates a frame a client sent (what the server decodes). */
export function decodeClient(text: string): DecodeResult<ClientMessage> {
  return decodeWith(schemasOf(clientSchema), text)
}

/** Parses and validates a frame the server sent (what a client decodes). */
export function decodeServer(text: string): DecodeResult<ServerMessage> {
  return decodeWith(schemasOf(serverSchema), text)
}

/**
 * Parses and validates a data-channel frame another peer sent. A data channel has no frame limit
 * of its own, so a hostile peer's huge frame is refused unparsed.
 */
export function decodePeer(text: string): DecodeResult<PeerMessage> {
  return decodeWith(schemasOf(peerSchema), text, PEER_LIMITS.textFrameLength)
}

// Only `decode` and `validate` reference every sender's schema (a bundler drops these tables
// with them when unused).
const DECODERS = { client: decodeClient, server: decodeServer, peer: decodePeer }
const SCHEMAS = { client: clientSchema, server: serverSchema, peer: peerSchema }

/** Parses one frame's text and validates it as a message from `sender`; returns the message or the first precise error. */
export function decode<S extends Sender>(text: string, sender: S): DecodeResult<MessageOf<S>> {
  return DECODERS[sender](text) as DecodeResult<MessageOf<S>>
}

/** Validates an already-parsed value as a message from `sender`. */
export function validate<S extends Sender>(value: unknown, sender: S): DecodeResult<MessageOf<S>> {
  return validateWith(schemasOf(SCHEMAS[sender]), value)
}

/** Serialises a message for the wire: one JSON text frame. */
export function encode(message: ClientMessage | ServerMessage | PeerMessage): string {
  return JSON.stringify(message)
}
