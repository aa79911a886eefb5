import { FileUnreadableError } from '../../errors.js';

/** Canonical WHATWG name of a label Node can decode, or undefined. */
function canonical(label: string): string | undefined {
  try {
    return new TextDecoder(label).encoding;
  } catch {
    return undefined;
  }
}

/**
 * The text encoding a .cpg names, as a WHATWG label (what the .dbf decoder takes). ESRI tools
 * write code page numbers ("1252", "ANSI 1252", "65001"); GDAL and QGIS write names
 * ("UTF-8", "CP1252", "ISO-8859-1", "88591"). Throws FileUnreadableError for one it cannot decode.
 */
export function encodingFromCpg(cpg: string): string {
  const text = cpg.replace(/^\uFEFF/, '').trim();
  if (text === '') return 'utf-8';
  if (/^(utf-?8|65001)$/i.test(text)) return 'utf-8';
  const codePage = /^(?:ansi\s*|cp|windows-?)?(125\d|874)$/i.exec(text);
  if (codePage) return `windows-${codePage[1]}`;
  const iso = /^(?:iso[-_ ]?)?8859[-_ ]?(\d{1,2})$/i.exec(text);
  const found = canonical(iso ? `iso-8859-${iso[1]}` : text);
  if (found) return found;
  throw new FileUnreadableError(
    `The .cpg file names the text encoding "${text.slice(0, 40)}", which Canopy cannot decode; ` +
    'export the attributes as UTF-8 (or Windows-1252) so that names are not garbled.');
}

// The .dbf header's language driver byte (offset 29), as GDAL reads it when there is no .cpg.
// Only the code pages a TextDecoder knows; the DOS ones (437, 850, …) fall back to the default.
const LDID: Record<number, string> = {
  0x03: 'windows-1252', 0x57: 'windows-1252', 0x58: 'windows-1252', 0x59: 'windows-1252',
  0xc8: 'windows-1250', 0xc9: 'windows-1251', 0xca: 'windows-1254', 0xcb: 'windows-1253',
  0x26: 'ibm866', 0x65: 'ibm866', 0x7c: 'windows-874', 0x50: 'windows-874',
  0x13: 'shift_jis', 0x7b: 'shift_jis', 0x4d: 'gbk', 0x7a: 'gbk', 0x4e: 'euc-kr', 0x79: 'euc-kr', 0x4f: 'big5', 0x78: 'big5',
};

/** The encoding a .dbf's language driver byte names, or undefined when it names none (0) or an unknown one. */
export function encodingFromLanguageDriver(ldid: number): string | undefined {
  return LDID[ldid];
}
