import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FileUnreadableError, UnsupportedFormatError } from '../../src/domain/errors.js';
import { detectFormat } from '../../src/domain/readers/detect-format.js';

/** A zip local file header whose first entry is `name`. */
function zipHead(name: string): Buffer {
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(name.length, 26);
  return Buffer.concat([header, Buffer.from(name, 'latin1'), Buffer.alloc(64)]);
}

const refusal = (head: Buffer | string, filename?: string, mime?: string): Error => {
  try {
    detectFormat(Buffer.isBuffer(head) ? head : Buffer.from(head), filename, mime);
  } catch (error) {
    return error as Error;
  }
  assert.fail('expected detectFormat to refuse the file');
};

describe('detectFormat', () => {
  it('recognises zipped Shapefiles and GeoParquet by their magic bytes', () => {
    assert.equal(detectFormat(zipHead('plots.shp'), 'plots.zip'), 'shapefile');
    assert.equal(detectFormat(Buffer.from('PAR1\x15\x04\x15', 'latin1'), 'x.bin'), 'geoparquet');
  });

  it('recognises GeoJSON from "{" after a BOM and whitespace, whatever the name', () => {
    assert.equal(detectFormat(Buffer.from('\ufeff \r\n\t{"type":"FeatureCollection"')), 'geojson');
    assert.equal(detectFormat(Buffer.from('{"type":"Point"'), 'plots.csv', 'text/csv'), 'geojson');
    assert.equal(detectFormat(Buffer.from('[{"type":"Feature"}]'), 'plots.txt'), 'geojson'); // the reader explains arrays
  });

  it('recognises delimited text as CSV', () => {
    assert.equal(detectFormat(Buffer.from('lat,lon,name\n1,2,a\n')), 'csv');
    assert.equal(detectFormat(Buffer.from('\ufefflatitud;longitud\n6,5;-1,2\n')), 'csv');
    assert.equal(detectFormat(Buffer.from('lat\tlon\n1\t2\n')), 'csv');
    assert.equal(detectFormat(Buffer.from('Producteur,Coopérative,lat,lon\n'), undefined, 'application/octet-stream'), 'csv');
    // One WKT column has no delimiter: the name or MIME type decides.
    assert.equal(detectFormat(Buffer.from('wkt\nPOINT (1 2)\n'), 'plots.csv'), 'csv');
    assert.equal(detectFormat(Buffer.from('wkt\nPOINT (1 2)\n'), undefined, 'text/csv'), 'csv');
  });

  it('refuses binary junk and unknown text, listing the accepted formats', () => {
    for (const error of [
      refusal(Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe, 0x10, 0x00, 0x88])),
      refusal('hello world\n', 'notes.md'),
      refusal(Buffer.from('\x89PNG\r\n\x1a\n\x00\x00', 'latin1'), 'map.png'),
    ]) {
      assert.ok(error instanceof UnsupportedFormatError);
      assert.match(error.message, /GeoJSON.*CSV.*Shapefiles.*GeoParquet/);
    }
  });

  it('names common wrong files: workbooks, KML/KMZ, bare .shp, gzip, UTF-16 text', () => {
    assert.match(refusal(zipHead('[Content_Types].xml'), 'plots.xlsx').message, /spreadsheet.*save the sheet as CSV/);
    assert.match(refusal(zipHead('doc.kml'), 'plots.kmz').message, /KMZ/);
    assert.match(refusal('<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2">').message, /KML/);
    assert.match(refusal(Buffer.from([0x00, 0x00, 0x27, 0x0a, 0, 0, 0, 0]), 'plots.shp').message, /bare \.shp/);
    assert.match(refusal(Buffer.from([0x1f, 0x8b, 0x08, 0x00]), 'plots.geojson.gz').message, /gzip/);
    assert.match(refusal(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1]), 'plots.xls').message, /Excel/);
    assert.match(refusal(Buffer.from('\ufefflat\tlon\n', 'utf16le'), 'plots.txt').message, /UTF-16.*UTF-8/);
    // Without a byte-order mark staging cannot know: the message says how to name the encoding.
    assert.match(refusal(Buffer.from('latitude\tlongitude\n6.8\t-5.3\n', 'utf16le'), 'plots.txt').message, /UTF-16.*without a byte-order mark.*"encoding": "utf-16le"/);
    assert.match(refusal(Buffer.from('latitude\tlongitude\n6.8\t-5.3\n', 'utf16le').swap16(), 'plots.txt').message, /UTF-16.*without a byte-order mark/);
  });

  it('calls an empty file unreadable rather than unsupported', () => {
    assert.ok(refusal('') instanceof FileUnreadableError);
    assert.ok(refusal(' \n\ufeff') instanceof UnsupportedFormatError); // a BOM only counts at the start
    assert.ok(refusal('\ufeff \n') instanceof FileUnreadableError);
  });
});
