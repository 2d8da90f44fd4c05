/** Where a stage of `count` equal tiles puts them: columns, rows and the size of one tile. */
export interface GridLayout {
  readonly columns: number
  readonly rows: number
  readonly tileWidth: number
  readonly tileHeight: number
}

export interface GridRequest {
  /** The space the tiles share, in CSS pixels. */
  readonly width: number
  readonly height: number
  readonly count: number
  /** Space between neighbouring tiles. */
  readonly gap: number
  /** Width over height of one tile (16 / 9 for the call grid). */
  readonly aspect: number
}

/**
 * The grid that makes `count` tiles of a fixed aspect ratio as large as they can be inside
 * `width × height`: every column count from 1 to `count` is tried, and the one whose tile is
 * widest wins (on a tie, fewer columns: a more square grid). Tiles never exceed the box, so a
 * stage laid out with this never scrolls.
 */
export function fitGrid(request: GridRequest): GridLayout {
  const { width, height, gap, aspect } = request
  const count = Math.max(1, Math.floor(request.count))
  let best: GridLayout = { columns: 1, rows: count, tileWidth: 0, tileHeight: 0 }
  for (let columns = 1; columns <= count; columns++) {
    const rows = Math.ceil(count / columns)
    const cellWidth = (width - gap * (columns - 1)) / columns
    const cellHeight = (height - gap * (rows - 1)) / rows
    if (cellWidth <= 0 || cellHeight <= 0) continue
    const exactWidth = Math.min(cellWidth, cellHeight * aspect)
    const tileWidth = Math.floor(exactWidth)
    // Rounded down each on its own: within a pixel of the ratio, and never past the cell.
    if (tileWidth > best.tileWidth) best = { columns, rows, tileWidth, tileHeight: Math.floor(Math.min(cellHeight, exactWidth / aspect)) }
  }
  return best
}
