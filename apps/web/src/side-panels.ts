import { el, uniqueId } from './dom.js'
import { icon } from './icons.js'

export interface SidePanel {
  readonly id: string
  readonly element: HTMLElement
  readonly isOpen: boolean
  open(): void
  close(): void
  toggle(): void
}

export interface SidePanelSpec {
  readonly title: string
  readonly body: HTMLElement
  /** The control bar button that opens it: gets `aria-expanded`/`aria-controls`, and focus back on close. */
  readonly button?: HTMLButtonElement
  readonly onToggle?: (open: boolean) => void
}

export interface SidePanels {
  /** The column beside the stage (a drawer over it on narrow screens). */
  readonly element: HTMLElement
  add(spec: SidePanelSpec): SidePanel
  /** Closes whichever panel is open; false when none was. */
  closeOpen(): boolean
}

/**
 * Side panels (chat, participants, files, statistics, devices), one open at a time. Each is a
 * labelled region with a heading and a close button; Escape closes it (the room binds that).
 * The column has its own scroll, so a long panel never pushes the control bar off screen.
 */
export function createSidePanels(): SidePanels {
  const element = el('div', { class: 'side', hidden: true })
  const panels: SidePanel[] = []
  let current: SidePanel | undefined

  function show(next: SidePanel | undefined, restoreFocus: boolean): void {
    const previous = current
    if (previous === next) return
    current = next
    element.hidden = next === undefined
    for (const panel of panels) panel.element.hidden = panel !== next
    if (previous) {
      specs.get(previous)?.button?.setAttribute('aria-expanded', 'false')
      specs.get(previous)?.onToggle?.(false)
      if (restoreFocus && next === undefined) specs.get(previous)?.button?.focus()
    }
    if (next) {
      specs.get(next)?.button?.setAttribute('aria-expanded', 'true')
      specs.get(next)?.onToggle?.(true)
    }
    // The stage changed size: its ResizeObserver relays the tiles out.
  }

  const specs = new Map<SidePanel, SidePanelSpec>()

  return {
    element,
    add(spec) {
      const id = uniqueId('panel')
      const headingId = `${id}-heading`
      const close = el('button', { type: 'button', class: 'icon-button panel-close', 'aria-label': `Close ${spec.title.toLowerCase()}` }, [icon('close')])
      const section = el('section', { id, class: 'panel', 'aria-labelledby': headingId, hidden: true }, [
        el('header', { class: 'panel-header' }, [el('h2', { id: headingId }, [spec.title]), close]),
        el('div', { class: 'panel-body' }, [spec.body]),
      ])
      element.append(section)
      spec.button?.setAttribute('aria-expanded', 'false')
      spec.button?.setAttribute('aria-controls', id)
      const panel: SidePanel = {
        id,
        element: section,
        get isOpen() {
          return current === panel
        },
        open: () => show(panel, false),
        close: () => {
          if (current === panel) show(undefined, true)
        },
        toggle: () => (current === panel ? show(undefined, true) : show(panel, false)),
      }
      close.addEventListener('click', () => panel.close())
      panels.push(panel)
      specs.set(panel, spec)
      return panel
    },
    closeOpen() {
      if (!current) return false
      show(undefined, true)
      return true
    },
  }
}
