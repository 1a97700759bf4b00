/**
 * ZPL II for Zebra-compatible printers, from the same layout and checks as the raster renderers.
 * - GS1-128 / Code 128: native ^BC in mode N with the invocation codes code128.ts computed, so the
 *   printer encodes exactly the symbol we measured (FNC1 = >8; see code128.ts for why not mode D,
 *   which also second-guesses check digits).
 * - GS1 DataMatrix: ^BX quality 200 with '#' as escape character ('#1' = FNC1). '#' is outside
 *   GS1's character set 82, so no lot or value can contain it; '_' (the usual choice) can.
 * - QR: ^BQ model 2, error correction M, automatic input mode.
 * - Text: ^A0 (scalable) with ^CI28 (UTF-8) and ^FH hex escapes: '^', '~', '_' and '\' in a product
 *   name are written as _5E, _7E, _5F, _5C, so a name cannot end the label or inject commands.
 */
import { DomainError } from '../../server/domain/errors.ts'
import { toElementString } from '../../server/domain/gs1.ts'
import { mmToDots, type LabelLayout } from '../label.ts'
import { checkLayout, describe, type PlacedBarcode } from '../symbols.ts'

export interface ZplOptions {
  dpi: number
  /** ^PQ: copies of this label. Default 1. */
  copies?: number
}

/** Renders a layout to one ZPL label (^XA...^XZ). Throws DomainError('INVALID') as checkLayout does. */
export function renderZpl (layout: LabelLayout, { dpi, copies = 1 }: ZplOptions): string {
  if (!Number.isInteger(copies) || copies < 1) throw new TypeError(`"copies" must be a positive whole number, got ${copies}`)
  const placed = checkLayout(layout, dpi)
  const d = (mm: number): number => mmToDots(mm, dpi)
  const out = ['^XA', '^CI28', `^PW${d(layout.size.widthMm)}`, `^LL${d(layout.size.heightMm)}`, '^LH0,0']
  for (const el of layout.elements) {
    if (el.kind === 'rule') {
      const w = Math.max(1, d(el.x + el.w) - d(el.x))
      const h = Math.max(1, d(el.y + el.h) - d(el.y))
      out.push(`^FO${d(el.x)},${d(el.y)}^GB${w},${h},${Math.min(w, h)}^FS`)
    } else if (el.kind === 'text') {
      const h = Math.max(10, d(el.size))
      const block = el.align === 'center' ? `^FB${d(el.maxWidth)},1,0,C,0` : ''
      out.push(`^FO${d(el.x)},${d(el.y)}^A0N,${h},${h}${block}^FH^FD${escapeText(el.text)}^FS`)
    }
  }
  for (const p of placed) out.push(barcode(p))
  out.push(`^PQ${copies}`, '^XZ')
  return out.join('\n') + '\n'
}

function barcode (p: PlacedBarcode): string {
  const b = p.barcode
  const at = `^FO${p.x},${p.y}`
  // ^BY (narrow bar) and ^BQ (magnification) take 1-10 dots.
  if (p.module > 10 && b.symbology !== 'gs1-datamatrix' && b.symbology !== 'datamatrix') {
    throw new DomainError('INVALID', `Label refused: ${describe(b)} needs ${p.module}-dot modules and ZPL allows at most 10; use a smaller X-dimension`)
  }
  if (p.encoded.kind === 'linear') return `${at}^BY${p.module}^BCN,${p.height},N,N,N,N^FD${p.encoded.symbol.zpl}^FS`
  if (b.symbology === 'qr') return `${at}^BQN,2,${p.module}^FDMA,${plain(b.text ?? '', b)}^FS`
  const data = b.symbology === 'gs1-datamatrix'
    ? '#1' + toElementString(b.elements ?? []).replaceAll('\x1d', '#1')
    : plain(b.text ?? '', b)
  return `${at}^BXN,${p.module},200,,,,#^FD${data}^FS`
}

/** Barcode data goes out without ^FH: refuse anything ZPL or the '#' escape would read as a command. */
function plain (text: string, b: PlacedBarcode['barcode']): string {
  if (/[\x00-\x1f\x7f^~#]/.test(text)) throw new DomainError('INVALID', `Label refused: ${describe(b)} contains a character ZPL cannot carry in barcode data (control character, ^, ~ or #)`)
  return text
}

/** Field data for ^FH: hex-escape ZPL's command and escape characters, drop control characters. */
export function escapeText (text: string): string {
  return text.replace(/[\x00-\x1f\x7f]/g, ' ').replace(/[_^~\\]/g, c => '_' + c.charCodeAt(0).toString(16).toUpperCase())
}
