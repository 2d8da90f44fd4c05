import { WIRE_LIMITS } from '@peerlane/sdk'

/**
 * How a participant is named on screen: their display name, or "Guest <id>". Names are chosen
 * by others: they go into text nodes and attributes only (never markup), and are bounded here
 * as well as by the protocol, so a misbehaving server cannot stretch every label and message.
 */
export function personLabel(id: string, name: string | undefined): string {
  return name === undefined ? `Guest ${id.slice(0, WIRE_LIMITS.peerIdLength)}` : name.slice(0, WIRE_LIMITS.nameLength)
}
