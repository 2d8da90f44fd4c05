import { el, uniqueId } from './dom.js'

export interface WaitingScreen {
  readonly element: HTMLElement
  /** Shows the screen with how long the server keeps the knock open, and focuses its heading. */
  show(timeoutMs: number): void
  hide(): void
}

function minutes(ms: number): string {
  const whole = Math.max(1, Math.round(ms / 60_000))
  return `${whole} minute${whole === 1 ? '' : 's'}`
}

/**
 * What a person sees while their join waits at a locked room: that a host has to let them in,
 * for how long at most, and a way out. Nothing about the room is shown, because nothing about it
 * reaches a waiting client.
 */
export function createWaitingScreen(room: string, onCancel: () => void): WaitingScreen {
  const headingId = uniqueId('waiting-heading')
  const heading = el('h1', { id: headingId, tabindex: '-1' }, ['Waiting for the host to let you in'])
  const limit = el('p', { class: 'hint' })
  const cancel = el('button', { type: 'button', class: 'secondary' }, ['Cancel'])
  cancel.addEventListener('click', onCancel)
  const element = el('section', { class: 'waiting', 'aria-labelledby': headingId, hidden: true }, [
    el('div', { class: 'waiting-card' }, [
      el('span', { class: 'waiting-pulse', 'aria-hidden': 'true' }),
      heading,
      el('p', {}, ['Room ', el('span', { class: 'room-name' }, [room]), ' is locked. A host has been told you are here and can admit you.']),
      limit,
      cancel,
    ]),
  ])
  return {
    element,
    show(timeoutMs) {
      limit.textContent = `If nobody answers within ${minutes(timeoutMs)}, you are back at the start and can knock again.`
      element.hidden = false
      heading.focus()
    },
    hide() {
      element.hidden = true
    },
  }
}
