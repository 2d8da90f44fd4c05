import { PEER_LIMITS } from '@peerlane/sdk'
import type { ChatMessage } from '@peerlane/sdk/chat'
import { el, uniqueId } from './dom.js'

export interface ChatPanel {
  /** The panel's body (log and composer); a side panel holds it. */
  readonly element: HTMLElement
  /** The unread count in words, the Chat button's description; place it beside the button. */
  readonly unreadDescription: HTMLElement
  /** Shows a message (the last `CHAT_HISTORY_LIMIT` stay); counts it as unread while the panel is closed. */
  add(message: ChatMessage): void
  /** The side panel holding it opened or closed: opening reads everything. */
  setOpen(open: boolean): void
  readonly isOpen: boolean
  readonly unread: number
}

export interface ChatPanelOptions {
  /** The "Chat" button: it carries the unread badge. */
  readonly button: HTMLButtonElement
  /** Sends `text`; returns the sent message, or a sentence saying why it was not sent. */
  readonly send: (text: string) => ChatMessage | string
  readonly nameOf: (message: ChatMessage) => string
  /** The unread count changed (the document title shows it). */
  readonly onUnread: (unread: number) => void
}

/** Messages kept in the log; older ones leave the DOM, so a long or flooded call keeps a flat memory. */
export const CHAT_HISTORY_LIMIT = 500

const TIME = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })

/** The chat panel's body: message log, a one-line composer, and an unread count on its button. */
export function createChatPanel(options: ChatPanelOptions): ChatPanel {
  const { button } = options
  const inputId = uniqueId('chat-input')
  const unreadId = uniqueId('chat-unread')
  const log = el('ol', { class: 'chat-log', role: 'log', 'aria-live': 'polite', 'aria-label': 'Chat history' })
  const input = el('input', { id: inputId, autocomplete: 'off', maxlength: String(PEER_LIMITS.chatLength) })
  const error = el('p', { class: 'form-error', role: 'alert' })
  const form = el('form', { class: 'chat-form' }, [
    el('label', { for: inputId, class: 'visually-hidden' }, ['Message']),
    input,
    el('button', { type: 'submit', class: 'primary' }, ['Send']),
  ])
  const element = el('div', { class: 'chat-panel' }, [log, error, form])
  // The badge is decoration; the count reaches screen readers through the button's description.
  const badge = el('span', { class: 'badge', 'aria-hidden': 'true', hidden: true })
  const unreadText = el('span', { id: unreadId, class: 'visually-hidden' })
  button.append(badge)
  button.setAttribute('aria-describedby', unreadId)
  let unread = 0
  let open = false

  function showUnread(): void {
    badge.textContent = String(unread)
    badge.hidden = unread === 0
    unreadText.textContent = unread === 0 ? '' : `${unread} unread message${unread === 1 ? '' : 's'}`
    options.onUnread(unread)
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const text = input.value
    if (text.trim() === '') return
    const result = options.send(text)
    if (typeof result === 'string') {
      error.textContent = result
      return
    }
    error.textContent = ''
    input.value = ''
    panel.add(result)
  })

  const panel: ChatPanel = {
    element,
    unreadDescription: unreadText,
    get isOpen() {
      return open
    },
    get unread() {
      return unread
    },
    add(message) {
      const item = el('li', { class: message.local ? 'chat-message chat-own' : 'chat-message' }, [
        el('span', { class: 'chat-meta' }, [
          el('strong', { class: 'chat-sender' }, [options.nameOf(message)]),
          ' ',
          el('time', { datetime: new Date(message.sentAt).toISOString() }, [TIME.format(message.receivedAt)]),
        ]),
        el('p', { class: 'chat-text' }, [message.text]),
      ])
      log.append(item)
      while (log.childElementCount > CHAT_HISTORY_LIMIT) log.firstElementChild?.remove()
      log.scrollTop = log.scrollHeight
      if (!open && !message.local) {
        unread += 1
        showUnread()
      }
    },
    setOpen(next) {
      open = next
      if (open) {
        unread = 0
        showUnread()
        input.focus()
      }
    },
  }
  return panel
}
