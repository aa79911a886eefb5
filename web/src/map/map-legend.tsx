import type { BasemapSettings } from '../api/dashboard-settings';
import { VisibleText } from '../components/visible-text';
import { formatCount } from '../format';
import { RISKS } from '../risk';
import { COLOURS } from './map-style';

/**
 * What the map's colours mean: the plots' risks once a check has coloured them (plots
 * without a risk keep their status colours), else their status; and the issue rings.
 */
export function MapLegend({ risk, plotCount, note, countryNote, basemap }: {
  risk: boolean;
  plotCount: number | null;
  note: string;
  countryNote: string;
  basemap: BasemapSettings | null;
}) {
  return (
    <div className="map-legend" aria-label="Legend" data-testid="map-legend">
      {risk
        ? RISKS.map(({ risk: value, label, colour }) => (
          <span key={value} data-risk={value}><i className="swatch" style={{ background: colour }} /> {label}</span>
        ))
        : (
          <>
            <span><i className="swatch" style={{ background: COLOURS.valid }} /> Valid</span>
            <span><i className="swatch" style={{ background: COLOURS.warning }} /> With warnings</span>
          </>
        )}
      <span><i className="swatch ring" style={{ borderColor: COLOURS.issue }} /> Issue location</span>
      {plotCount !== null && <span className="muted">{formatCount(plotCount)} plots</span>}
      {note && <span className="muted" role="status"><VisibleText text={note} /></span>}
      {countryNote && <span className="muted">{countryNote}</span>}
      {basemap?.attribution && <span className="muted small" data-testid="basemap-attribution">Basemap: {basemap.attribution}</span>}
    </div>
  );
}
