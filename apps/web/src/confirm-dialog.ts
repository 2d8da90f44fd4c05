import { el, uniqueId } from './dom.js'

export interface ConfirmRequest {
  readonly title: string
  readonly text: string
  readonly confirm: string
}

export interface ConfirmDialog {
  readonly element: HTMLDialogElement
  /** Resolves true when the person confirms; false on Cancel, Escape, or a newer question. */
  ask(request: ConfirmRequest): Promise<boolean>
}

/**
 * A modal `<dialog>` for host actions that cannot be undone (remove someone, hand the host role
 * over). Cancel has focus first, so a stray Enter does nothing drastic; focus returns to the
 * button that asked.
 */
export function createConfirmDialog(): ConfirmDialog {
  const headingId = uniqueId('confirm-heading')
  const textId = uniqueId('confirm-text')
  const heading = el('h2', { id: headingId })
  const text = el('p', { id: textId })
  const cancel = el('button', { type: 'button', class: 'secondary' }, ['Cancel'])
  const confirm = el('button', { type: 'button', class: 'danger' })
  const element = el('dialog', { class: 'confirm-dialog', 'aria-labelledby': headingId, 'aria-describedby': textId }, [
    heading,
    text,
    el('div', { class: 'confirm-choice' }, [cancel, confirm]),
  ])
  let settle: ((confirmed: boolean) => void) | undefined
  let opener: Element | null = null

  function finish(confirmed: boolean): void {
    const done = settle
    settle = undefined
    if (element.open) element.close()
    if (opener instanceof HTMLElement && opener.isConnected) opener.focus()
    done?.(confirmed)
  }
  cancel.addEventListener('click', () => finish(false))
  confirm.addEventListener('click', () => finish(true))
  // Escape closes a modal dialog by itself; that is a No.
  element.addEventListener('close', () => finish(false))

  return {
    element,
    ask(request) {
      settle?.(false)
      opener = document.activeElement
      heading.textContent = request.title
      text.textContent = request.text
      confirm.textContent = request.confirm
      if (!element.open) element.showModal()
      cancel.focus()
      return new Promise((resolve) => (settle = resolve))
    },
  }
}
