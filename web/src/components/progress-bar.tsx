/** A labelled progress bar; without `value` it is indeterminate (work whose length is unknown). */
export function ProgressBar({ label, value, text }: { label: string; value?: number; text?: string }) {
  return (
    <div className="progress">
      <div className="progress-label">
        <span>{label}</span>
        {text !== undefined && <span className="muted">{text}</span>}
      </div>
      <progress key={value === undefined ? "indeterminate" : "determinate"} aria-label={label} max={100} value={value === undefined ? undefined : Math.max(0, Math.min(100, value))} />
    </div>
  );
}
