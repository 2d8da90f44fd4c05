import { el } from './dom.js'
import { icon, type IconName } from './icons.js'

export interface ControlButton {
  readonly element: HTMLButtonElement
  /** For toggles: `aria-pressed` and the icon (e.g. a struck-through microphone) follow. */
  setPressed(pressed: boolean): void
  readonly pressed: boolean
}

export interface ControlButtonOptions {
  readonly label: string
  readonly icon: IconName
  /** A toggle: starts with `aria-pressed="false"` and shows `pressedIcon` while pressed. */
  readonly pressedIcon?: IconName
  readonly toggle?: boolean
  readonly className?: string
  /** Shown as the tooltip, e.g. the keyboard shortcut. */
  readonly title?: string
}

/**
 * An icon-and-label button of the control bar. The label is the accessible name and never
 * changes; a toggle says its state with `aria-pressed`, as assistive technology expects.
 */
export function createControlButton(options: ControlButtonOptions): ControlButton {
  const toggle = options.toggle === true || options.pressedIcon !== undefined
  const glyph = el('span', { class: 'control-icon' }, [icon(options.icon)])
  const element = el(
    'button',
    {
      type: 'button',
      class: ['control', options.className].filter(Boolean).join(' '),
      'aria-pressed': toggle ? 'false' : undefined,
      title: options.title,
    },
    [glyph, el('span', { class: 'control-label' }, [options.label])],
  )
  let pressed = false
  return {
    element,
    get pressed() {
      return pressed
    },
    setPressed(next) {
      pressed = next
      element.setAttribute('aria-pressed', String(next))
      if (options.pressedIcon) glyph.replaceChildren(icon(next ? options.pressedIcon : options.icon))
    },
  }
}
