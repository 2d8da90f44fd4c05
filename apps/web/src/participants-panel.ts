import { el, uniqueId } from './dom.js'
import { icon } from './icons.js'
import { spokenSafetyNumber, type Verification } from './safety-verification.js'
import type { TileQuality } from './video-tile.js'

/** A remote participant's safety number as this browser sees it, once the connection has one. */
export interface SafetyEntry {
  readonly code: string
  readonly verification: Verification
  /** Only named participants can be remembered as verified (ids change every session). */
  readonly canVerify: boolean
}

export interface ParticipantEntry {
  readonly id: string
  readonly label: string
  readonly self: boolean
  readonly host: boolean
  readonly audioMuted: boolean
  readonly videoOff: boolean
  readonly presenting: boolean
  readonly quality: TileQuality | undefined
  /** Remote participants only; undefined until their connection is up. */
  readonly safety?: SafetyEntry | undefined
}

/** What the panel's buttons do; the room decides (and confirms) the host actions. */
export interface ParticipantActions {
  readonly copyInvite: (field: HTMLInputElement) => void
  readonly markVerified: (id: string) => void
  readonly askToMute: (id: string) => void
  readonly makeHost: (id: string) => void
  readonly remove: (id: string) => void
}

export interface ParticipantsPanel {
  /** The panel's body: the invite link, then everyone in the call. */
  readonly element: HTMLElement
  /** Shows `entries`; `viewerIsHost` adds the host actions to everyone else's row. */
  render(entries: readonly ParticipantEntry[], viewerIsHost: boolean): void
}

function states(entry: ParticipantEntry): Node[] {
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

interface Row {
  readonly element: HTMLLIElement
  update(entry: ParticipantEntry, viewerIsHost: boolean): void
}

/**
 * One person's row. Rows are kept by id and updated in place, so a button keeps focus while the
 * states around it change (a peer's media state changes many times a minute).
 */
function createRow(id: string, actions: ParticipantActions): Row {
  const name = el('span', { class: 'person-name' })
  const hostTag = el('span', { class: 'host-tag', hidden: true }, ['Host'])
  const stateSlot = el('span', { class: 'person-states' })

  const code = el('span', { class: 'safety-number', role: 'img' })
  const badge = el('span', { class: 'verified-badge', hidden: true }, [icon('check'), 'Verified'])
  const verify = el('button', { type: 'button', class: 'secondary small', hidden: true }, ['Mark as verified'])
  const warning = el('p', { class: 'safety-warning', hidden: true })
  const safetyHint = el('p', { class: 'hint safety-hint', hidden: true })
  const safety = el('div', { class: 'person-safety', hidden: true }, [
    el('span', { class: 'safety-label' }, ['Safety number']),
    el('div', { class: 'safety-line' }, [code, badge]),
    warning,
    safetyHint,
    verify,
  ])

  const askToMute = el('button', { type: 'button', class: 'secondary small' }, [icon('mic-off'), ' Ask to mute'])
  const makeHost = el('button', { type: 'button', class: 'secondary small' }, ['Make host'])
  const remove = el('button', { type: 'button', class: 'danger small' }, ['Remove'])
  const hostActions = el('div', { class: 'person-actions', role: 'group', hidden: true }, [askToMute, makeHost, remove])

  verify.addEventListener('click', () => actions.markVerified(id))
  askToMute.addEventListener('click', () => actions.askToMute(id))
  makeHost.addEventListener('click', () => actions.makeHost(id))
  remove.addEventListener('click', () => actions.remove(id))

  const element = el('li', { class: 'person', 'data-person': id }, [
    el('div', { class: 'person-main' }, [name, hostTag, stateSlot]),
    safety,
    hostActions,
  ])

  let shownWarning = false
  return {
    element,
    update(entry, viewerIsHost) {
      // Names come from other people: text only, and the CSS clips a long one.
      name.textContent = entry.label
      hostTag.hidden = !entry.host
      stateSlot.replaceChildren(...states(entry))

      const current = entry.safety
      safety.hidden = current === undefined
      if (current) {
        code.textContent = current.code
        code.setAttribute('aria-label', `Safety number: ${spokenSafetyNumber(current.code)}`)
        badge.hidden = current.verification !== 'verified'
        verify.hidden = !current.canVerify || current.verification === 'verified'
        safetyHint.hidden = current.verification === 'verified'
        safetyHint.textContent = current.canVerify
          ? `Does ${entry.label} see the same code? Then nobody sits in the middle of your call.`
          : 'Compare this code with theirs (read it aloud). It can be remembered only for people who set a name.'
        const changed = current.verification === 'changed'
        warning.hidden = !changed
        // An alert only as the warning appears, not on every update of the row.
        if (changed && !shownWarning) warning.setAttribute('role', 'alert')
        else if (!changed) warning.removeAttribute('role')
        shownWarning = changed
        warning.textContent = changed ? `Safety number changed since you verified ${entry.label}` : ''
      }

      hostActions.hidden = !viewerIsHost || entry.self
      hostActions.setAttribute('aria-label', `Host actions for ${entry.label}`)
      askToMute.disabled = entry.audioMuted
      makeHost.hidden = entry.host
    },
  }
}

/**
 * Who is in the call, with microphone, camera, presenting and connection state, the host tag,
 * each remote participant's safety number (with "Mark as verified"), the host actions (ask to
 * mute, make host, remove) for hosts; and how to invite more.
 */
export function createParticipantsPanel(actions: ParticipantActions & { readonly link: string }): ParticipantsPanel {
  const inviteId = uniqueId('invite')
  const field = el('input', { id: inviteId, readonly: true, class: 'invite-field' })
  field.value = actions.link
  const copy = el('button', { type: 'button', class: 'secondary small' }, [icon('link'), ' Copy invite link'])
  copy.addEventListener('click', () => actions.copyInvite(field))
  const count = el('p', { class: 'hint' })
  const list = el('ul', { class: 'people-list', 'aria-label': 'In this call' })
  const element = el('div', { class: 'people-panel' }, [
    el('div', { class: 'field' }, [el('label', { for: inviteId }, ['Invite link']), field, copy]),
    count,
    list,
  ])
  const rows = new Map<string, Row>()
  return {
    element,
    render(entries, viewerIsHost) {
      count.textContent = `${entries.length} in this call`
      const present = new Set(entries.map((entry) => entry.id))
      for (const [id, row] of rows) {
        if (present.has(id)) continue
        row.element.remove()
        rows.delete(id)
      }
      entries.forEach((entry, index) => {
        let row = rows.get(entry.id)
        if (!row) rows.set(entry.id, (row = createRow(entry.id, actions)))
        row.update(entry, viewerIsHost)
        // Moved only when out of place: moving the focused row would drop its focus.
        if (list.children[index] !== row.element) list.insertBefore(row.element, list.children[index] ?? null)
      })
    },
  }
}
