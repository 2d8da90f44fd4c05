// Test-only: the waiting-room steps the moderation suites share (in memory and in cluster mode).
import { connect, type Received, type TestClient } from './client.js'

export type RoomStateMessage = Extract<Received, { type: 'room-state' }>

/** Connects and joins a locked room: the answer must be `waiting`. */
export async function knock(url: string, room: string, extra: Record<string, unknown> = {}): Promise<{ client: TestClient; peerId: string }> {
  const client = await connect(url)
  client.send({ type: 'join', room, ...extra })
  const waiting = await client.nextOfType('waiting')
  return { client, peerId: waiting.peerId }
}

/** The next room-state that satisfies `match`. */
export const roomState = (client: TestClient, match: (state: RoomStateMessage) => boolean = () => true): Promise<RoomStateMessage> =>
  client.next((m) => m.type === 'room-state' && match(m as RoomStateMessage)) as Promise<RoomStateMessage>
