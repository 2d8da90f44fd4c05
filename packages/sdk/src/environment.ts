/** The subset of the WHATWG WebSocket the SDK uses; `ws`'s WebSocket satisfies it too. */
export interface WebSocketLike {
  readonly readyState: number
  onopen: ((event: unknown) => void) | null
  onmessage: ((event: { data: unknown }) => void) | null
  onclose: ((event: { code: number; reason: string }) => void) | null
  onerror: ((event: unknown) => void) | null
  send(data: string): void
  close(code?: number, reason?: string): void
}

export type WebSocketConstructor = new (url: string) => WebSocketLike
export type PeerConnectionConstructor = new (config?: RTCConfiguration) => RTCPeerConnection

/** The platform's constructors, so a browser app passes nothing and a Node app injects its own. */
export function platformWebSocket(): WebSocketConstructor | undefined {
  return (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket
}

export function platformPeerConnection(): PeerConnectionConstructor | undefined {
  return (globalThis as { RTCPeerConnection?: PeerConnectionConstructor }).RTCPeerConnection
}

export const WS_OPEN = 1
