import { el, uniqueId } from './dom.js'
import { personLabel } from './person-label.js'

/** Who knocks, as the SDK's `knock` event and `roomState.waiting` carry them. */
export interface Knocker {
  readonly peerId: string
  readonly name?: string | undefined
}

export interface KnockRequests {
  /** The alert dialog over the stage; hidden while nobody waits. */
  readonly element: HTMLElement
  /** A new knock: queued and announced. */
  add(knocker: Knocker): void
  /** The knock is over (answered here or by another host, timed out, the knocker left). */
  end(peerId: string): void
  /** Exactly these wait (a host's `room-state`); an empty list when you are not a host. */
  sync(waiting: readonly Knocker[]): void
  /** The name shown for a knock still queued. */
  labelOf(peerId: string): string | undefined
}

// The server holds at most `maxWaitingPerRoom` knocks (20 by default); more rows than this would
// not fit a screen anyway, and the count still says how many wait.
const MAX_ROWS = 50
const ANSWER_RETRY_MS = 4000

function knockerLabel(knocker: Knocker): string {
  return personLabel(knocker.peerId, knocker.name)
}

/**
 * The knock notification for hosts: "Bob wants to join" with Admit and Deny, one row per
 * waiting knock in arrival order. It does not take focus (a host may be typing in chat); the
 * arrival is announced through an assertive live region and the buttons are next in tab order
 * after the header.
 */
export function createKnockRequests(answer: { readonly admit: (peerId: string) => void; readonly deny: (peerId: string) => void }): KnockRequests {
  const headingId = uniqueId('knock-heading')
  const heading = el('h2', { id: headingId })
  const announcer = el('p', { class: 'visually-hidden', role: 'alert' })
  const list = el('ul', { class: 'knock-list' })
  const more = el('p', { class: 'hint', hidden: true })
  const element = el('section', { class: 'knock-requests', role: 'alertdialog', 'aria-labelledby': headingId, hidden: true }, [heading, list, more, announcer])
  const waiting = new Map<string, { readonly knocker: Knocker; readonly row: HTMLLIElement }>()

  function rowFor(knocker: Knocker): HTMLLIElement {
    const label = knockerLabel(knocker)
    const admit = el('button', { type: 'button', class: 'primary small' }, ['Admit'])
    const deny = el('button', { type: 'button', class: 'secondary small' }, ['Deny'])
    const choose = (take: (peerId: string) => void) => () => {
      admit.disabled = true
      deny.disabled = true
      take(knocker.peerId)
      // `knock-ended` normally removes the row; if the server refused the answer (an error
      // notice says why) the knock still waits, so the buttons come back.
      setTimeout(() => {
        admit.disabled = false
        deny.disabled = false
      }, ANSWER_RETRY_MS)
    }
    admit.addEventListener('click', choose(answer.admit))
    deny.addEventListener('click', choose(answer.deny))
    return el('li', { class: 'knock', 'data-knock': knocker.peerId }, [
      el('p', { class: 'knock-text' }, [el('strong', { class: 'knock-name' }, [label]), ' wants to join']),
      el('div', { class: 'knock-choice', role: 'group', 'aria-label': label }, [admit, deny]),
    ])
  }

  function show(): void {
    const count = waiting.size
    element.hidden = count === 0
    heading.textContent = count === 1 ? 'Someone wants to join' : `${count} people want to join`
    // Rows stay in place (a focused Admit keeps focus): only ended ones go, new ones append.
    const rows = new Set([...waiting.values()].slice(0, MAX_ROWS).map(({ row }) => row))
    for (const child of [...list.children]) if (!rows.has(child as HTMLLIElement)) child.remove()
    for (const row of rows) if (row.parentElement !== list) list.append(row)
    more.hidden = count <= MAX_ROWS
    more.textContent = `and ${count - MAX_ROWS} more waiting`
  }

  function add(knocker: Knocker, announce: boolean): void {
    if (waiting.has(knocker.peerId)) return
    waiting.set(knocker.peerId, { knocker, row: rowFor(knocker) })
    if (announce) announcer.textContent = `${knockerLabel(knocker)} wants to join`
  }

  return {
    element,
    add(knocker) {
      add(knocker, true)
      show()
    },
    end(peerId) {
      if (!waiting.delete(peerId)) return
      show()
    },
    sync(list) {
      const listed = new Set(list.map((knocker) => knocker.peerId))
      for (const peerId of waiting.keys()) if (!listed.has(peerId)) waiting.delete(peerId)
      for (const knocker of list) add(knocker, true)
      show()
    },
    labelOf(peerId) {
      const entry = waiting.get(peerId)
      return entry ? knockerLabel(entry.knocker) : undefined
    },
  }
}
