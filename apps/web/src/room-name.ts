/** The protocol's room-name rule; the server rejects anything else. */
export const ROOM_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/
/** The protocol's display-name limit. */
export const MAX_DISPLAY_NAME_LENGTH = 64

const ADJECTIVES = [
  'amber', 'brave', 'calm', 'clever', 'cosy', 'eager', 'gentle', 'golden', 'happy', 'jolly',
  'kind', 'lively', 'lucky', 'mellow', 'misty', 'nimble', 'proud', 'quiet', 'rapid', 'silver',
  'sunny', 'swift', 'tidy', 'witty',
] as const
const ANIMALS = [
  'badger', 'beaver', 'crane', 'falcon', 'ferret', 'finch', 'gecko', 'heron', 'koala', 'lemur',
  'lynx', 'marten', 'otter', 'panda', 'puffin', 'quail', 'raven', 'robin', 'seal', 'stoat',
  'tapir', 'walrus', 'wombat', 'yak',
] as const

function pick<T>(items: readonly T[], random: number): T {
  return items[random % items.length] as T
}

/** A readable, hard-to-guess-by-accident room name such as `quiet-otter-42`. */
export function generateRoomName(): string {
  const random = crypto.getRandomValues(new Uint32Array(3))
  return `${pick(ADJECTIVES, random[0] ?? 0)}-${pick(ANIMALS, random[1] ?? 0)}-${((random[2] ?? 0) % 90) + 10}`
}

export function isValidRoomName(name: string): boolean {
  return ROOM_NAME_PATTERN.test(name)
}
