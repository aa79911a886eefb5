/** The URL of the country map's TopoJSON, made at build time (web/build/country-outlines-plugin.ts). */
declare module 'virtual:country-outlines' {
  const url: string;
  export default url;
}
