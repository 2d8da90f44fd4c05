import type { IncomingFileTransfer, OutgoingFileTransfer, TransferResult } from '@peerlane/sdk'
import { el } from './dom.js'

export interface FilePanel {
  readonly element: HTMLElement
  /** Lists a transfer with a progress bar, a Cancel button and, once received, a download link. */
  track(transfer: IncomingFileTransfer | OutgoingFileTransfer, title: string): void
  /** Frees the received files' object URLs (the call is over). */
  dispose(): void
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

function endText(result: TransferResult, incoming: boolean): string {
  if (result.state === 'complete') return incoming ? 'Received and verified (SHA-256)' : 'Delivered'
  if (result.error.code === 'transfer-cancelled') return result.error.message.replace('The transfer was c', 'C')
  return `Failed: ${result.error.message}`
}

/** The list of file transfers in both directions. Nothing leaves the browser but the peers' copies. */
export function createFilePanel(): FilePanel {
  const list = el('ul', { class: 'file-list' })
  const element = el('section', { class: 'file-panel', 'aria-label': 'File transfers', hidden: true }, [list])
  const urls: string[] = []

  return {
    element,
    track(transfer, title) {
      const incoming = 'from' in transfer
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
      element.hidden = false
      cancel.addEventListener('click', () => transfer.cancel())
      transfer.on('progress', ({ bytes, total }) => {
        progress.max = Math.max(total, 1)
        progress.value = bytes
      })
      void transfer.finished.then((result) => {
        cancel.remove()
        status.textContent = endText(result, incoming)
        item.dataset.state = result.state
        if (result.state === 'complete') progress.value = progress.max
        const file = incoming ? transfer.file : undefined
        if (file) {
          const url = URL.createObjectURL(file)
          urls.push(url)
          item.append(el('a', { href: url, download: transfer.name, class: 'file-download' }, [`Download ${transfer.name}`]))
        }
      })
    },
    dispose() {
      for (const url of urls.splice(0)) URL.revokeObjectURL(url)
    },
  }
}
