import { WIRE_LIMITS } from '@peerlane/sdk'

/** The protocol's display-name limit. */
export const MAX_DISPLAY_NAME_LENGTH = WIRE_LIMITS.nameLength

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

/** Lower-case letters and digits without the look-alikes i, l, o, u: 32 symbols, 5 bits each. */
const CODE_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'
const CODE_GROUPS = 3
const CODE_GROUP_LENGTH = 5

/** How many names `generateRoomName` can produce; a guesser needs about half of them. */
export const ROOM_NAME_COMBINATIONS =
  BigInt(ADJECTIVES.length) * BigInt(ANIMALS.length) * BigInt(CODE_ALPHABET.length) ** BigInt(CODE_GROUPS * CODE_GROUP_LENGTH)

/** A uniform index below `n` (≤ 2^32): draws above the largest multiple of `n` are redrawn, so none is favoured. */
function randomIndex(n: number): number {
  const limit = Math.floor(0x1_0000_0000 / n) * n
  const draw = new Uint32Array(1)
  for (;;) {
    crypto.getRandomValues(draw)
    const value = draw[0] ?? 0
    if (value < limit) return value % n
  }
}

/**
 * A readable room name that is also the call's key, e.g. `quiet-otter-7h3kq-p2xw9-dfam4`: two
 * words for people, then 75 random bits (84 in all), so finding a live room by guessing is out
 * of reach. Anyone who has the name can join, so it is never derived from anything guessable.
 */
export function generateRoomName(): string {
  const code = Array.from({ length: CODE_GROUPS }, () =>
    Array.from({ length: CODE_GROUP_LENGTH }, () => CODE_ALPHABET[randomIndex(CODE_ALPHABET.length)]).join(''),
  )
  return [ADJECTIVES[randomIndex(ADJECTIVES.length)], ANIMALS[randomIndex(ANIMALS.length)], ...code].join('-')
}

/** The protocol's room-name rule (the server rejects anything else). */
export { isRoomName as isValidRoomName } from '@peerlane/sdk'
