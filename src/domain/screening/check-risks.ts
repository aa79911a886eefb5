/**
 * The risk of each plot of a collection's current upload, from its latest completed check,
 * for map tiles: the check's risk file (one byte per feature index, run-check.ts), read
 * once per check and kept for the few checks being looked at (1 MB per million plots).
 */
import { plotUuidFeatureIndex } from '../ids.js';
import type { BlobStore, CollectionRecord, Stores } from '../ports.js';
import { checkKeys, riskOfCode } from './check-keys.js';

/** Risk files kept in memory, most recently used last. */
const CHECKS_KEPT = 8;

export interface LoadRisks {
  /** The check the risks come from (tiles name it in their version, so a new check is a new tile). */
  taskId: string;
  riskOf(uuid: string): string | null;
}

export class CheckRisks {
  private readonly files = new Map<string, Promise<Uint8Array>>();

  constructor(private readonly stores: Stores, private readonly blobs: BlobStore) {}

  /** The risks of the load's latest completed check; null when it has none. */
  async forLoad(collection: CollectionRecord, loadId: string): Promise<LoadRisks | null> {
    const checks = await this.stores.checks.listByCollection(collection.id);
    if (checks.length === 0) return null;
    const completed = new Set((await this.stores.tasks.listByCollection(collection.id)).filter((t) => t.state === 'COMPLETED').map((t) => t.id));
    const check = checks.find((c) => c.loadId === loadId && completed.has(c.taskId));
    if (!check) return null;
    const bytes = await this.file(collection.id, check.taskId);
    return {
      taskId: check.taskId,
      riskOf: (uuid) => {
        const index = plotUuidFeatureIndex(collection.id, uuid);
        return index === null || index >= bytes.length ? null : riskOfCode(bytes[index]);
      },
    };
  }

  private file(collectionId: string, taskId: string): Promise<Uint8Array> {
    let file = this.files.get(taskId);
    if (file) {
      this.files.delete(taskId);
    } else {
      file = this.read(checkKeys(collectionId, taskId).risks);
      file.catch(() => this.files.delete(taskId));
      if (this.files.size >= CHECKS_KEPT) this.files.delete(this.files.keys().next().value as string);
    }
    this.files.set(taskId, file);
    return file;
  }

  private async read(key: string): Promise<Uint8Array> {
    const chunks: Buffer[] = [];
    for await (const chunk of this.blobs.read(key)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }
}
