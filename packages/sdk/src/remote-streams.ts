// A remote peer's streams, told apart by what it announces (`media-state`'s `screenStreamId`),
// never by guessing. A screen share reuses one transceiver and one stream id across shares (see
// `local-media.ts`): between shares the browser takes the track out of its stream (the
// transceiver went inactive), and whether `track` fires again on the next share differs between
// stacks, so the track is remembered here and put back when the screen is announced again.

/** A peer's camera and screen, told apart by what it announces (`media-state`), never by guessing. */
export interface PeerStreams {
  readonly camera: MediaStream | null
  readonly screen: MediaStream | null
}

export class RemoteStreams {
  readonly #streams = new Map<string, MediaStream>()
  readonly #tracks = new Map<string, Set<MediaStreamTrack>>()
  // Every stream ever announced as a screen: one never turns into the camera after a share ends.
  readonly #screenIds = new Set<string>()
  #screenId: string | null = null
  #shown: PeerStreams = { camera: null, screen: null }

  get current(): PeerStreams {
    return this.#shown
  }

  /** A remote track arrived (again); returns the streams when what is shown changed. */
  addTrack(track: MediaStreamTrack, streams: readonly MediaStream[]): PeerStreams | undefined {
    for (const stream of streams) this.#remember(stream, track)
    // A track sent without a stream (other clients may) still belongs to the camera.
    if (streams.length === 0 && typeof MediaStream === 'function') {
      const loose = this.#streams.get('') ?? new MediaStream()
      loose.addTrack(track)
      this.#remember(loose, track)
    }
    return this.#classify()
  }

  /** The peer announced its screen stream (or `null`); returns the streams when what is shown changed. */
  announce(screenId: string | null): PeerStreams | undefined {
    this.#screenId = screenId
    if (screenId !== null) this.#screenIds.add(screenId)
    return this.#classify()
  }

  #remember(stream: MediaStream, track: MediaStreamTrack): void {
    // A reused screen transceiver may come back in a new stream object with the old id (Chrome
    // does): the app keeps the one it was given, and `classify` puts the track back into it.
    if (!this.#streams.has(stream.id)) this.#streams.set(stream.id, stream)
    const tracks = this.#tracks.get(stream.id) ?? new Set()
    tracks.add(track)
    this.#tracks.set(stream.id, tracks)
  }

  // Either shows once both the announcement and the track have arrived, in either order.
  #classify(): PeerStreams | undefined {
    const screenId = this.#screenId
    const screen = screenId === null ? null : (this.#streams.get(screenId) ?? null)
    if (screen && screenId !== null) {
      for (const track of this.#tracks.get(screenId) ?? []) if (track.readyState === 'live' && !screen.getTrackById(track.id)) screen.addTrack(track)
    }
    const camera = [...this.#streams.values()].find((stream) => !this.#screenIds.has(stream.id)) ?? null
    if (screen === this.#shown.screen && camera === this.#shown.camera) return undefined
    this.#shown = { camera, screen }
    return this.#shown
  }
}
