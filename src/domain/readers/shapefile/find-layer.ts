import { FileUnreadableError } from '../../errors.js';

/** The parts of one Shapefile layer found in an archive (the .shx is not needed to read it). */
export interface LayerParts<T> {
  shp: T;
  dbf?: T;
  prj?: T;
  cpg?: T;
}

const extensionOf = (name: string): string => /\.([^./\\]+)$/.exec(name)?.[1]?.toLowerCase() ?? '';
const stemOf = (name: string): string => name.replace(/\.[^./\\]+$/, '').toLowerCase();
const baseName = (name: string): string => name.split(/[\\/]/).pop() ?? name;

/** Folders, macOS resource forks (__MACOSX/, ._x) and other dot-files are not content. */
function isContent(name: string): boolean {
  if (name.endsWith('/') || name.endsWith('\\')) return false;
  const parts = name.split(/[\\/]/);
  return !parts.includes('__MACOSX') && !baseName(name).startsWith('.');
}

function listed(names: string[]): string {
  const shown = names.slice(0, 12).join(', ');
  return names.length > 12 ? `${shown} and ${names.length - 12} more` : shown;
}

/**
 * Picks the one layer of a zipped Shapefile: its .shp, wherever it sits in the archive, and
 * the .dbf, .prj and .cpg beside it with the same name (extensions in any case).
 */
export function findLayer<T extends { name: string }>(items: T[]): LayerParts<T> {
  const content = items.filter((item) => isContent(item.name));
  const shps = content.filter((item) => extensionOf(item.name) === 'shp');
  if (shps.length === 0) {
    const inside = content.length === 0 ? 'nothing but folders or hidden files' : listed(content.map((item) => item.name));
    throw new FileUnreadableError(
      `The zip holds no .shp file (it holds ${inside}); a zipped Shapefile needs the .shp with its .shx, .dbf and .prj.`);
  }
  if (shps.length > 1) {
    throw new FileUnreadableError(`The zip holds ${shps.length} layers (${listed(shps.map((item) => item.name))}); send one layer per file.`);
  }
  const shp = shps[0];
  const stem = stemOf(shp.name);
  const part = (ext: string): T | undefined => content.find((item) => extensionOf(item.name) === ext && stemOf(item.name) === stem);
  return { shp, dbf: part('dbf'), prj: part('prj'), cpg: part('cpg') };
}
