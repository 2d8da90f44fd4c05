/**
 * What a room token may grant (its `caps` claim). A token without `caps` grants the four publish
 * capabilities and not `room-admin`; a token with `caps` grants exactly those listed. Without
 * tokens (open mode) every session may publish, and hosts come from the room's order of arrival.
 */
export const CAPABILITIES = ['publish-audio', 'publish-video', 'share-screen', 'send-files', 'room-admin'] as const
export type Capability = (typeof CAPABILITIES)[number]

/** What a session may do when its token has no `caps` claim, or when the server takes no tokens. */
export const DEFAULT_CAPABILITIES: readonly Capability[] = ['publish-audio', 'publish-video', 'share-screen', 'send-files']

export function isCapability(value: unknown): value is Capability {
  return typeof value === 'string' && (CAPABILITIES as readonly string[]).includes(value)
}
