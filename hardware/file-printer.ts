/**
 * A printer that writes labels to a directory: used by the demo mode and for previews.
 * Each label becomes `<dir>/<timestamp>-<n>.zpl` (ZPL) or `.bin` (anything else), where the
 * timestamp is ISO 8601 UTC with `:` and `.` replaced by `-` (sortable, valid on every file
 * system) and n counts this printer's labels from 1. Beside it goes a PNG (`.png`, then
 * `-2.png`... when one ZPL stream holds several labels): the caller's preview if given, else
 * ZPL rendered with zpl-renderer-js (the Zebrash engine compiled to WebAssembly, ~9 MB, loaded
 * on the first ZPL label only).
 *
 * Failure contract: writing the label file fails the print (HardwareError FAULT, or OFFLINE when
 * the directory is gone); a ZPL the renderer cannot draw does not, it is reported as
 * `previewError` by save(), because the printer itself would still receive those bytes.
 */
import { mkdir, writeFile, access, constants } from 'node:fs/promises'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { checkPositive, labelBytes, toHardwareError, type Printer, type PrintOptions } from './printer.ts'

export interface FilePrinterOptions {
  /** Created on first use. */
  dir: string
  /** Rendered label size. Default 101.6 x 152.4 mm (4 x 6 in, the usual logistic label). */
  widthMm?: number
  heightMm?: number
  /** Print resolution in dots per mm. Default 8 (203 dpi). */
  dpmm?: number
}

export interface FilePrintOptions extends PrintOptions {
  /** PNG bytes to store beside the label instead of rendering it (e.g. an ESC/POS raster's source). */
  preview?: Uint8Array
}

export interface SavedLabel {
  /** Path of the label bytes. */
  label: string
  /** Paths of the PNG previews, one per label in the stream; empty when none could be made. */
  previews: string[]
  previewError?: string
}

export interface FilePrinter extends Printer {
  readonly kind: 'file'
  /** Writes the label and its preview and says where. print() is save() without the answer. */
  save (label: string | Uint8Array, options?: FilePrintOptions): Promise<SavedLabel>
  print (label: string | Uint8Array, options?: FilePrintOptions): Promise<void>
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

type ZplApi = Awaited<typeof import('zpl-renderer-js')['ready']>['api']
let renderer: Promise<ZplApi> | undefined
/**
 * Loaded once, late: loading defines globalThis.Go and globalThis.zpl and starts the Go runtime.
 * Through require() on purpose: the package's "import" build is ESM in a package without
 * "type": "module", which only loads on Node versions that sniff module syntax (and which vitest
 * then pushes through its transform, 9 MB); its CommonJS build loads everywhere.
 */
const zplRenderer = (): Promise<ZplApi> => (renderer ??= (async () => {
  const lib = createRequire(import.meta.url)('zpl-renderer-js') as typeof import('zpl-renderer-js')
  return (await lib.ready).api
})())

export function createFilePrinter (options: FilePrinterOptions): FilePrinter {
  const { dir } = options
  if (typeof dir !== 'string' || dir === '') throw new TypeError('"dir" must be a directory path')
  const widthMm = checkPositive('widthMm', options.widthMm ?? 101.6, 'mm')
  const heightMm = checkPositive('heightMm', options.heightMm ?? 152.4, 'mm')
  const dpmm = checkPositive('dpmm', options.dpmm ?? 8, 'dots per mm')
  let count = 0

  /** Writes `bytes` to the first free `<stem>-<n><ext>`; never overwrites another printer's file. */
  async function writeNew (stem: string, ext: string, bytes: Buffer): Promise<{ path: string, base: string }> {
    for (;;) {
      const base = join(dir, `${stem}-${++count}`)
      try {
        await writeFile(base + ext, bytes, { flag: 'wx' })
        return { path: base + ext, base }
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      }
    }
  }

  async function save (label: string | Uint8Array, saveOptions: FilePrintOptions = {}): Promise<SavedLabel> {
    const bytes = labelBytes(label)
    const { preview } = saveOptions
    if (preview != null && !PNG_SIGNATURE.equals(Buffer.from(preview.subarray(0, 8)))) {
      throw new TypeError('"preview" must be PNG bytes')
    }
    const zpl = /\^XA/i.test(bytes.toString('latin1')) ? bytes.toString('utf8') : undefined
    let written: { path: string, base: string }
    try {
      await mkdir(dir, { recursive: true })
      written = await writeNew(new Date().toISOString().replace(/[:.]/g, '-'), zpl != null ? '.zpl' : '.bin', bytes)
    } catch (error) {
      throw toHardwareError(error, `file printer ${dir}`)
    }
    let pngs: Buffer[] = []
    let previewError: string | undefined
    if (preview != null) {
      pngs = [Buffer.from(preview)]
    } else if (zpl != null) {
      try {
        const api = await zplRenderer()
        pngs = (await api.zplToBase64MultipleAsync(zpl, widthMm, heightMm, dpmm)).map(b64 => Buffer.from(b64, 'base64'))
      } catch (error) {
        previewError = `ZPL preview failed: ${error instanceof Error ? error.message : String(error)}`
      }
    }
    const previews = pngs.map((_png, i) => `${written.base}${i === 0 ? '' : `-${i + 1}`}.png`)
    try {
      await Promise.all(pngs.map((png, i) => writeFile(previews[i] as string, png)))
    } catch (error) {
      throw toHardwareError(error, `file printer ${dir}`)
    }
    return { label: written.path, previews, ...(previewError != null ? { previewError } : {}) }
  }

  return {
    kind: 'file',
    save,
    async print (label, printOptions) {
      await save(label, printOptions)
    },
    async status () {
      const checkedAt = new Date().toISOString()
      try {
        await mkdir(dir, { recursive: true })
        await access(dir, constants.W_OK)
        return { online: true, checkedAt }
      } catch (error) {
        return { online: false, fault: `${dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, checkedAt }
      }
    }
  }
}
