/** The fixes of one plot as they are made, each judged against the area-change limit. */
import { areaChange, type FixCode, type FixEntry } from './fix-entry.js';

export class FixLog {
  private readonly fixes: Omit<FixEntry, 'repaired_feature'>[] = [];
  /** True once a fix was beyond the limit: the plot keeps its original geometry. */
  flagged = false;

  constructor(
    private readonly feature: number,
    private readonly plotId: string | null,
    private readonly original: unknown,
    private readonly limitPct: number,
  ) {}

  /** True when the plot's geometry is written anew (some fix was made). */
  get hasFixes(): boolean {
    return this.fixes.length > 0;
  }

  /**
   * Logs a fix with the plot's area before and after it; true when it may be applied, false
   * when it is beyond the limit (it is then logged as flagged for review, and the plot's
   * repair stops there).
   */
  record(code: FixCode, action: string, before: number | null, after: number | null): boolean {
    const change = areaChange(before, after, this.limitPct);
    if (change.overLimit) this.flagged = true;
    const limitNote = change.overLimit
      ? ` Not applied: it would change the area by ${change.pct === null ? 'more than the plot had' : `${change.pct} %`}, beyond the ${this.limitPct} % limit, so the plot keeps its geometry and is flagged for review.`
      : '';
    this.fixes.push({
      feature: this.feature, plot_id: this.plotId, code, action: action + limitNote, applied: true, flagged_for_review: change.overLimit,
      area_before_ha: change.before, area_after_ha: change.after, area_change_ha: change.changeHa, area_change_pct: change.pct,
      original_geometry: this.original,
    });
    return !change.overLimit;
  }

  /** Logs a change of form made when the source file was read (no area moves). */
  note(code: FixCode, action: string): void {
    this.record(code, action, null, null);
  }

  /** The entries; `applied` false for all when the plot keeps its original geometry. */
  entries(applied: boolean): Omit<FixEntry, 'repaired_feature'>[] {
    const keep = applied && !this.flagged;
    return this.fixes.map((f) => ({ ...f, applied: keep && !f.flagged_for_review }));
  }
}
