import type { Member } from './rooms.js'

/** The connection side of an identity's session: `evict` ends it as `replaced` and closes its socket with 4002. */
export interface IdentityHolder {
  readonly session: Member
  evict(): void
}

/**
 * Which session holds each token identity in each room, so a second join with the same identity
 * can replace the first or be refused (`duplicateIdentity`). Only authenticated joins are tracked:
 * without tokens there is no identity to compare.
 */
export class IdentityRegistry {
  readonly #holders = new Map<string, IdentityHolder>()
  readonly #keys = new Map<Member, string>()

  holder(room: string, identity: string): IdentityHolder | undefined {
    return this.#holders.get(key(room, identity))
  }

  /** Records `holder` as the identity's session, replacing any earlier record. */
  claim(room: string, identity: string, holder: IdentityHolder): void {
    const k = key(room, identity)
    const previous = this.#holders.get(k)
    if (previous) this.#keys.delete(previous.session)
    this.#holders.set(k, holder)
    this.#keys.set(holder.session, k)
  }

  /** Forgets `session` once it has ended; a no-op for sessions that hold no identity. */
  release(session: Member): void {
    const k = this.#keys.get(session)
    if (k === undefined) return
    this.#keys.delete(session)
    if (this.#holders.get(k)?.session === session) this.#holders.delete(k)
  }
}

// NUL cannot occur in a room name, so the key is unambiguous.
const key = (room: string, identity: string): string => `${room}\0${identity}`
