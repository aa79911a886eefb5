import { useState } from 'react';
import type { ApiClient } from '../../api/client';
import type { Collection, RepairResult } from '../../api/types';
import { ErrorMessage } from '../../components/error-message';
import { formatCount } from '../../format';

/** The codes POST /collections/{id}/repair can fix (README, "Repairing a collection"). */
const FIXABLE = new Set([
  'CRS_REPROJECTED', 'TEXT_ENCODING_INVALID', 'COORDINATES_OUT_OF_RANGE', 'Z_DROPPED', 'COLLECTION_FLATTENED', 'AXIS_ORDER_SUSPECT',
  'RING_NOT_CLOSED', 'TOO_FEW_POINTS', 'DUPLICATE_VERTEX', 'SPIKE', 'SELF_INTERSECTION', 'INVALID_POLYGON', 'INVALID_AFTER_TRUNCATION',
]);

/** True when a staged collection has an issue a repair may fix. */
export function canRepair(collection: Collection): boolean {
  return collection.status === 'staged' && Object.keys(collection.issue_counts).some((code) => FIXABLE.has(code));
}

/** Makes a repaired copy of a staged collection (the collection itself stays as it is) and hands it on to be opened. */
export function RepairButton({ client, collection, onRepaired }: { client: ApiClient; collection: Collection; onRepaired: (result: RepairResult) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function repair() {
    setBusy(true);
    setError(null);
    try {
      onRepaired(await client.repair(collection.collection_id));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="row" data-testid="repair">
      <button type="button" onClick={repair} disabled={busy}>{busy ? 'Repairing…' : 'Repair'}</button>
      <span className="muted">A new collection with the fixable problems fixed, each fix in its report; this one is not changed.</span>
      <ErrorMessage error={error} />
    </div>
  );
}

/** What a repair did, said once the repaired collection is open. */
export function RepairNote({ result }: { result: RepairResult }) {
  return (
    <p role="status" data-testid="repair-note">
      Repaired: {formatCount(result.fixes_applied)} fixes applied, {formatCount(result.fixes_flagged)} flagged for review
      (those plots kept their geometry). Each fix is in this collection's report.
    </p>
  );
}
