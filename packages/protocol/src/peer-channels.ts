/** Data channels every pair of peers opens (negotiated, so both sides create them with these ids). */
export const PEER_CHANNELS = {
  /** Text frames: `hello`, chat, media state. Ordered, reliable. */
  control: { label: 'peerlane-control', id: 0 },
  /** File-transfer control as text frames and file chunks as binary frames. Ordered, reliable. */
  files: { label: 'peerlane-files', id: 1 },
} as const
