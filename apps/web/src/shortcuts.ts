import { el, uniqueId } from './dom.js'
import { icon } from './icons.js'

export type ShortcutAction = 'mic' | 'camera' | 'chat' | 'people' | 'files' | 'help'

export interface Shortcut {
  readonly action: ShortcutAction
  readonly keys: string
  readonly does: string
  /** Ctrl on Windows/Linux, ⌘ on macOS. */
  readonly mod: boolean
  readonly alt: boolean
  /** `KeyboardEvent.code`: the physical key, so Alt/Option (which changes `key` on macOS) still works. */
  readonly code: string
}

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform)
const MOD = isMac ? '⌘' : 'Ctrl'
const ALT = isMac ? '⌥' : 'Alt'

export const SHORTCUTS: readonly Shortcut[] = [
  { action: 'mic', keys: `${MOD}+D`, does: 'Mute or unmute the microphone', mod: true, alt: false, code: 'KeyD' },
  { action: 'camera', keys: `${MOD}+E`, does: 'Turn the camera off or on', mod: true, alt: false, code: 'KeyE' },
  { action: 'chat', keys: `${MOD}+${ALT}+C`, does: 'Open or close the chat', mod: true, alt: true, code: 'KeyC' },
  { action: 'people', keys: `${MOD}+${ALT}+P`, does: 'Open or close the participant list', mod: true, alt: true, code: 'KeyP' },
  { action: 'files', keys: `${MOD}+${ALT}+F`, does: 'Open or close the files panel', mod: true, alt: true, code: 'KeyF' },
  { action: 'help', keys: '?', does: 'Show these shortcuts', mod: false, alt: false, code: 'Slash' },
]

function typing(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))
}

/** The shortcut `event` stands for, if any. `?` is ignored while typing, the modified ones are not. */
export function matchShortcut(event: KeyboardEvent): ShortcutAction | undefined {
  const mod = isMac ? event.metaKey : event.ctrlKey
  for (const shortcut of SHORTCUTS) {
    if (shortcut.mod) {
      if (mod && event.altKey === shortcut.alt && !event.shiftKey && event.code === shortcut.code) return shortcut.action
    } else if (event.key === '?' && !event.ctrlKey && !event.metaKey && !event.altKey && !typing(event.target)) {
      return shortcut.action
    }
  }
  return undefined
}

export interface HelpDialog {
  readonly element: HTMLDialogElement
  open(): void
}

/** The keyboard-shortcut list, as a modal `<dialog>` (Escape and the close button close it). */
export function createHelpDialog(): HelpDialog {
  const headingId = uniqueId('help-heading')
  const close = el('button', { type: 'button', class: 'icon-button', 'aria-label': 'Close keyboard shortcuts' }, [icon('close')])
  const element = el('dialog', { class: 'help-dialog', 'aria-labelledby': headingId }, [
    el('header', { class: 'panel-header' }, [el('h2', { id: headingId }, ['Keyboard shortcuts']), close]),
    el(
      'table',
      { class: 'shortcut-table' },
      [
        el(
          'tbody',
          {},
          SHORTCUTS.map((shortcut) =>
            el('tr', {}, [el('th', { scope: 'row' }, [el('kbd', {}, [shortcut.keys])]), el('td', {}, [shortcut.does])]),
          ),
        ),
      ],
    ),
    el('p', { class: 'hint' }, ['Escape closes an open panel or menu. Tab reaches every control.']),
  ])
  close.addEventListener('click', () => element.close())
  return {
    element,
    open() {
      if (!element.open) element.showModal()
      close.focus()
    },
  }
}
