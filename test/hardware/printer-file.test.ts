import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { PNG } from 'pngjs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createFilePrinter } from '../../hardware/file-printer.ts'

/** A filled black box from (40,40) to (240,140) dots on a 50 x 30 mm label at 8 dots/mm. */
const BOX_LABEL = '^XA^FO40,40^GB200,100,100^FS^XZ'

function pixel (png: PNG, x: number, y: number): number[] {
  const i = (png.width * y + x) * 4
  return [...png.data.subarray(i, i + 3)]
}

describe('file printer', () => {
  let dir: string
  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'lotline-labels-')) })
  afterEach(async () => { await rm(dir, { recursive: true, force: true }) })

  it('writes a ZPL label to <timestamp>-<n>.zpl with a PNG preview that shows the label', async () => {
    const printer = createFilePrinter({ dir, widthMm: 50, heightMm: 30, dpmm: 8 })
    const saved = await printer.save(BOX_LABEL)

    expect(basename(saved.label)).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z-1\.zpl$/)
    expect(await readFile(saved.label, 'utf8')).toBe(BOX_LABEL)
    expect(saved.previews).toEqual([saved.label.replace(/\.zpl$/, '.png')])
    expect(saved.previewError).toBeUndefined()

    const png = PNG.sync.read(await readFile(saved.previews[0]!)) // throws unless a real PNG
    expect([png.width, png.height]).toEqual([400, 240])
    expect(pixel(png, 140, 90)).toEqual([0, 0, 0]) // inside the box
    expect(pixel(png, 20, 20)).toEqual([255, 255, 255]) // outside it
    expect(pixel(png, 300, 200)).toEqual([255, 255, 255])
  })

  it('numbers labels so none overwrites another, even within the same millisecond', async () => {
    const printer = createFilePrinter({ dir })
    const saved = await Promise.all([1, 2, 3].map(n => printer.save(new Uint8Array([0x1b, 0x40, n]))))
    expect(new Set(saved.map(s => s.label)).size).toBe(3)
    expect((await readdir(dir)).filter(n => n.endsWith('.bin'))).toHaveLength(3)
  })

  it('stores non-ZPL bytes as .bin with the caller\'s PNG preview beside them', async () => {
    const preview = new PNG({ width: 8, height: 4 })
    const previewBytes = PNG.sync.write(preview)
    const raster = Uint8Array.from([0x1d, 0x76, 0x30, 0x00, 0x01, 0x00, 0x04, 0x00, 0xff, 0x00, 0xff, 0x00])
    const saved = await createFilePrinter({ dir }).save(raster, { preview: previewBytes })

    expect(saved.label).toMatch(/-1\.bin$/)
    expect(new Uint8Array(await readFile(saved.label))).toEqual(raster)
    expect((await readFile(saved.previews[0]!)).equals(previewBytes)).toBe(true)
    expect(saved.previews[0]).toBe(saved.label.replace(/\.bin$/, '.png'))
  })

  it('writes one PNG per label when a ZPL stream holds several', async () => {
    const saved = await createFilePrinter({ dir, widthMm: 50, heightMm: 30 }).save(BOX_LABEL + BOX_LABEL)
    expect(saved.previews.map(p => basename(p).replace(/^.*Z-/, ''))).toEqual(['1.png', '1-2.png'])
  })

  it('keeps the label when its ZPL cannot be drawn, and says why there is no preview', async () => {
    const saved = await createFilePrinter({ dir }).save('^XA^XZ')
    expect(await readFile(saved.label, 'utf8')).toBe('^XA^XZ')
    expect(saved.previews).toEqual([])
    expect(saved.previewError).toMatch(/ZPL preview failed/)
  })

  it('rejects a preview that is not a PNG, before writing anything', async () => {
    await expect(createFilePrinter({ dir }).print('^XA^XZ', { preview: new Uint8Array([1, 2, 3]) })).rejects.toThrow(/"preview"/)
    expect(await readdir(dir)).toEqual([])
  })

  it('creates its directory and reports it as online', async () => {
    const printer = createFilePrinter({ dir: join(dir, 'nested', 'labels') })
    expect(await printer.status()).toMatchObject({ online: true })
    await printer.print(BOX_LABEL)
    expect(await readdir(join(dir, 'nested', 'labels'))).toHaveLength(2)
  })
})
