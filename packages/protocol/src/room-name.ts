import { WIRE_LIMITS } from './limits.js'

/** What a room name may be: 1–64 characters of A–Z, a–z, 0–9, _ and -. */
export const ROOM_NAME_PATTERN = `^[A-Za-z0-9_-]{1,${WIRE_LIMITS.roomLength}}$`

const roomName = /* @__PURE__ */ new RegExp(ROOM_NAME_PATTERN)

/** True when `text` is a valid room name (the same rule `join.room` is validated with). */
export function isRoomName(text: string): boolean {
  return roomName.test(text)
}
