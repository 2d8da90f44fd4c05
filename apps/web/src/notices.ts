import { el } from './dom.js'

/** How long a notice stays before it clears itself: long enough to read twice. */
export const NOTICE_MS = 6000

export interface Notices {
  readonly element: HTMLElement
  /** Shows `text` (replacing the previous notice) until `ms` pass or another notice comes. */
  show(text: string, ms?: number): void
  dispose(): void
}

/** The one-line notice over the bottom of the stage ("Bob joined"); a live region, so it is read out. */
export function createNotices(): Notices {
  const element = el('p', { class: 'notice', role: 'status' })
  let timer: ReturnType<typeof setTimeout> | undefined
  const notices: Notices = {
    element,
    show(text, ms = NOTICE_MS) {
      clearTimeout(timer)
      element.textContent = text
      timer = setTimeout(() => (element.textContent = ''), ms)
    },
    dispose() {
      clearTimeout(timer)
    },
  }
  return notices
}
