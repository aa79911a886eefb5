/**
 * A Vite plugin that gives the dashboard its offline country map: `import url from
 * 'virtual:country-outlines'` is the URL of a TopoJSON file built from Natural Earth's
 * 1:50 million countries (country-topology.ts). `vite build` writes it into assets/ with a
 * content hash (served like the scripts, cached for good); the dev server answers it itself.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Plugin } from 'vite';
import type { Topology } from '../src/map/topology.ts';
import { buildCountryTopology } from './country-topology.ts';

const MODULE_ID = 'virtual:country-outlines';
const RESOLVED_ID = `\0${MODULE_ID}`;
const DEV_URL = '/@canopy/countries.json';

/**
 * 0.02° (about 2 km) is well inside what a 1:50 million source can tell apart, and keeps
 * the file near 440 kB; positions snap to a 0.01° grid.
 */
export const COUNTRY_OUTLINE_OPTIONS = { tolerance: 0.02, quantum: 0.01 };

function countriesJson(): string {
  const source = createRequire(import.meta.url).resolve('world-atlas/countries-50m.json');
  const topology = JSON.parse(fs.readFileSync(source, 'utf8')) as Topology;
  return JSON.stringify(buildCountryTopology(topology, COUNTRY_OUTLINE_OPTIONS));
}

export function countryOutlines(): Plugin {
  let json: string | null = null;
  let serving = false;
  const built = () => (json ??= countriesJson());
  return {
    name: 'canopy-country-outlines',
    configResolved(config) {
      serving = config.command === 'serve';
    },
    resolveId(id) {
      return id === MODULE_ID ? RESOLVED_ID : null;
    },
    load(id) {
      if (id !== RESOLVED_ID) return null;
      if (serving) return `export default ${JSON.stringify(DEV_URL)};`;
      const ref = this.emitFile({ type: 'asset', name: 'countries.json', source: built() });
      return `export default import.meta.ROLLUP_FILE_URL_${ref};`;
    },
    configureServer(server) {
      server.middlewares.use(DEV_URL, (_req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(built());
      });
    },
  };
}
