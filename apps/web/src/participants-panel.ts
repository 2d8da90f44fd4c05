import { el, uniqueId } from './dom.js'
import { icon } from './icons.js'
import type { TileQuality } from './video-tile.js'

export interface ParticipantEntry {
  readonly id: string
  readonly label: string
  readonly audioMuted: boolean
  readonly videoOff: boolean
  readonly presenting: boolean
  readonly quality: TileQuality | undefined
}

export interface ParticipantsPanel {
  /** The panel's body: the invite link, then everyone in the call. */
  readonly element: HTMLElement
  render(entries: readonly ParticipantEntry[]): void
}

function state(entry: ParticipantEntry): Node[] {
  const parts: Node[] = [
    el('span', { class: 'person-state', role: 'img', 'aria-label': entry.audioMuted ? 'Microphone muted' : 'Microphone on', 'data-off': String(entry.audioMuted) }, [
      icon(entry.audioMuted ? 'mic-off' : 'mic'),
    ]),
    el('span', { class: 'person-state', role: 'img', 'aria-label': entry.videoOff ? 'Camera off' : 'Camera on', 'data-off': String(entry.videoOff) }, [
      icon(entry.videoOff ? 'camera-off' : 'camera'),
    ]),
  ]
  if (entry.presenting) parts.push(el('span', { class: 'tile-tag' }, ['Presenting']))
  if (entry.quality) parts.push(el('span', { class: 'person-quality', 'data-quality': entry.quality }, [`${entry.quality[0]?.toUpperCase()}${entry.quality.slice(1)} connection`]))
  return parts
}

/** Who is in the call, with microphone, camera, presenting and connection state; and how to invite more. */
export function createParticipantsPanel(invite: { readonly link: string; readonly copy: (field: HTMLInputElement) => void }): ParticipantsPanel {
  const inviteId = uniqueId('invite')
  const field = el('input', { id: inviteId, readonly: true, class: 'invite-field' })
  field.value = invite.link
  const copy = el('button', { type: 'button', class: 'secondary small' }, [icon('link'), ' Copy invite link'])
  copy.addEventListener('click', () => invite.copy(field))
  const count = el('p', { class: 'hint' })
  const list = el('ul', { class: 'people-list', 'aria-label': 'In this call' })
  const element = el('div', { class: 'people-panel' }, [
    el('div', { class: 'field' }, [el('label', { for: inviteId }, ['Invite link']), field, copy]),
    count,
    list,
  ])
  return {
    element,
    render(entries) {
      count.textContent = `${entries.length} in this call`
      list.replaceChildren(
        ...entries.map((entry) =>
          el('li', { class: 'person', 'data-person': entry.id }, [el('span', { class: 'person-name' }, [entry.label]), el('span', { class: 'person-states' }, state(entry))]),
        ),
      )
    },
  }
}
