/** Builds zip archives byte by byte, so tests can make the hostile ones no zip tool writes. */
import { constants as zlibConstants, crc32, deflateRawSync } from 'node:zlib';

export interface ZipItem {
  name: string;
  data: Buffer;
  /** Store the bytes as they are instead of deflating them. */
  stored?: boolean;
  /** Lie about the uncompressed size in both headers. */
  declaredSize?: number;
  /** Raw deflate data to write as it is (`data` then only gives the CRC). */
  compressed?: Buffer;
}

/** Raw deflate data for `mib` MiB of zeros, made in milliseconds: one flushed 1 MiB block repeated. */
export function deflatedZeros(mib: number): Buffer {
  const block = deflateRawSync(Buffer.alloc(1024 * 1024), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
  return Buffer.concat([...Array<Buffer>(mib).fill(block), deflateRawSync(Buffer.alloc(0))]);
}

export function buildZip(items: ZipItem[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const item of items) {
    const name = Buffer.from(item.name, 'utf8');
    const body = item.compressed ?? (item.stored ? item.data : deflateRawSync(item.data));
    const size = item.declaredSize ?? item.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6); // names are UTF-8
    local.writeUInt16LE(item.stored ? 0 : 8, 8);
    local.writeUInt32LE(crc32(item.data), 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(item.stored ? 0 : 8, 10);
    central.writeUInt32LE(crc32(item.data), 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(items.length, 8);
  end.writeUInt16LE(items.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
