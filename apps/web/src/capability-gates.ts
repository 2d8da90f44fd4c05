import type { Capability } from '@peerlane/sdk'

/** The controls a session's capabilities gate, each with the capability it needs. */
export const GATED_CONTROLS = {
  mic: 'publish-audio',
  camera: 'publish-video',
  share: 'share-screen',
  files: 'send-files',
} as const satisfies Record<string, Capability>

export type GatedControl = keyof typeof GATED_CONTROLS

const WHY: Readonly<Record<GatedControl, string>> = {
  mic: 'Your invitation to this room does not allow sending sound.',
  camera: 'Your invitation to this room does not allow sending video.',
  share: 'Your invitation to this room does not allow sharing your screen.',
  files: 'Your invitation to this room does not allow sending files.',
}

/**
 * Why each control the session may not use is off, by control; none for what it may do. The
 * server refuses the rest anyway and the SDK throws `not-permitted`: this keeps the person from
 * pressing a button that can only fail.
 */
export function deniedControls(capabilities: readonly Capability[]): Partial<Record<GatedControl, string>> {
  const denied: Partial<Record<GatedControl, string>> = {}
  for (const [control, capability] of Object.entries(GATED_CONTROLS) as [GatedControl, Capability][]) {
    if (!capabilities.includes(capability)) denied[control] = WHY[control]
  }
  return denied
}
