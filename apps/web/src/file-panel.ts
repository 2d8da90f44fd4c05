import { RECEIVED_FILE_TYPE, type IncomingFileTransfer, type OutgoingFileTransfer, type TransferResult } from '@peerlane/sdk/files'
import { el } from './dom.js'

/** Incoming files up to this size arrive without asking; bigger ones wait for Accept. */
export const ASK_ABOVE_BYTES = 10 * 1024 * 1024

export interface FilePanel {
  /** The panel's body: the Send file button and the transfers; a side panel holds it. */
  readonly element: HTMLElement
  /**
   * Lists a transfer with a progress bar, a Cancel button and, once received, a download link.
   * An incoming file over `ASK_ABOVE_BYTES` first asks: Accept or Decline, with its size.
   */
  track(transfer: IncomingFileTransfer | OutgoingFileTransfer, title: string): void
  /** Frees the received files' object URLs (the call is over). */
  dispose(): void
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

function endText(result: TransferResult, incoming: boolean, declinedHere: boolean): string {
  if (result.state === 'complete') return incoming ? 'Received and verified (SHA-256)' : 'Delivered'
  if (declinedHere) return 'Declined'
  switch (result.error.code) {
    case 'transfer-cancelled':
      return result.error.message.replace('The transfer was c', 'C')
    case 'transfer-declined':
      return 'Declined by the receiver'
    case 'transfer-stalled':
      return incoming ? 'Stalled: nothing arrived for too long. Ask for the file again.' : 'Stalled: the receiver stopped responding.'
    default:
      return `Failed: ${result.error.message}`
  }
}

/** "42 % · 3.1 MB/s" from the bytes so far and the time since the first byte. */
export function describeProgress(bytes: number, total: number, elapsedMs: number): string {
  const percent = total > 0 ? Math.floor((bytes / total) * 100) : 0
  const speed = elapsedMs > 0 ? `${formatBytes(Math.round((bytes * 1000) / elapsedMs))}/s` : '…'
  return `${percent} % · ${speed}`
}

/**
 * The list of file transfers in both directions, with a Send file button (`sendButton`, which the
 * room wires to a file picker). Nothing leaves the browser but the peers' copies.
 */
export function createFilePanel(sendButton: HTMLButtonElement): FilePanel {
  const list = el('ul', { class: 'file-list', 'aria-label': 'File transfers' })
  const empty = el('p', { class: 'hint' }, ['Files you send or receive in this call are listed here. They go straight to the others, checked with SHA-256.'])
  const element = el('div', { class: 'file-panel' }, [sendButton, empty, list])
  const urls: string[] = []

  return {
    element,
    track(transfer, title) {
      const incoming = 'from' in transfer
      let declinedHere = false
      const progress = el('progress', { max: String(Math.max(transfer.size, 1)), value: '0', 'aria-label': `Progress of ${transfer.name}` })
      const status = el('span', { class: 'file-status', role: 'status' }, [incoming ? 'Receiving…' : 'Sending…'])
      const cancel = el('button', { type: 'button', class: 'secondary small' }, ['Cancel'])
      const item = el('li', { class: 'file-item', 'data-transfer': transfer.id, 'data-direction': incoming ? 'in' : 'out' }, [
        el('span', { class: 'file-title' }, [title, ' · ', formatBytes(transfer.size)]),
        progress,
        status,
        cancel,
      ])
      list.prepend(item)
      empty.hidden = true
      // Speed counts from when bytes may flow: now, or when an offer is accepted.
      let startedAt = performance.now()
      cancel.addEventListener('click', () => transfer.cancel())
      if (incoming && transfer.state === 'offered') {
        if (transfer.size <= ASK_ABOVE_BYTES) transfer.accept()
        else {
          // Nothing is streamed (and no memory spent) until the person agrees to this size.
          item.dataset.state = 'offered'
          status.textContent = `Wants to send you ${formatBytes(transfer.size)}`
          cancel.hidden = true
          const accept = el('button', { type: 'button', class: 'primary small' }, ['Accept'])
          const decline = el('button', { type: 'button', class: 'secondary small' }, ['Decline'])
          const choice = el('div', { class: 'file-choice', role: 'group', 'aria-label': `Receive ${transfer.name}?` }, [accept, decline])
          status.after(choice)
          accept.addEventListener('click', () => {
            choice.remove()
            delete item.dataset.state
            status.textContent = 'Receiving…'
            cancel.hidden = false
            startedAt = performance.now()
            transfer.accept()
            cancel.focus()
          })
          decline.addEventListener('click', () => {
            declinedHere = true
            transfer.decline()
          })
          void transfer.finished.then(() => choice.remove())
        }
      }
      transfer.on('progress', ({ bytes, total }) => {
        progress.max = Math.max(total, 1)
        progress.value = bytes
        if (transfer.state === 'active') {
          status.textContent = `${incoming ? 'Receiving' : 'Sending'} ${describeProgress(bytes, total, performance.now() - startedAt)}`
        }
      })
      void transfer.finished.then((result) => {
        cancel.remove()
        status.textContent = endText(result, incoming, declinedHere)
        item.dataset.state = result.state
        if (result.state === 'complete') progress.value = progress.max
        const file = incoming ? transfer.file : undefined
        if (file) {
          // Typed octet-stream (the SDK does so too): a received HTML file opened from its link
          // would otherwise render in the app's origin, with access to its storage.
          const blob = file.type === RECEIVED_FILE_TYPE ? file : file.slice(0, file.size, RECEIVED_FILE_TYPE)
          const url = URL.createObjectURL(blob)
          urls.push(url)
          item.append(
            el('a', { href: url, download: transfer.name, type: RECEIVED_FILE_TYPE, class: 'file-download' }, [`Download ${transfer.name}`]),
          )
        }
      })
    },
    dispose() {
      for (const url of urls.splice(0)) URL.revokeObjectURL(url)
    },
  }
}
