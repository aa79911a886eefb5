/**
 * ProducerCountry must be an ISO 3166-1 alpha-2 code (TRACES GeoJSON rules). Wrong codes are a
 * warning: TRACES ignores unknown properties, but the declared country is what screening and
 * authorities compare the plot's location with.
 */
import type { Finding } from './finding.js';

/** ISO 3166-1 alpha-2 codes (249, Debian iso-codes 4.15), in alphabetical order. */
export const ISO_3166_ALPHA2: readonly string[] = Object.freeze((
  'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE ' +
  'BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD ' +
  'CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM ' +
  'DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF ' +
  'GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ' +
  'ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN ' +
  'KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME ' +
  'MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA ' +
  'NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM ' +
  'PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI ' +
  'SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK ' +
  'TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI ' +
  'VN VU WF WS YE YT ZA ZM ZW'
).split(' '));

/** The alpha-3 code of each entry of ISO_3166_ALPHA2, same order: to suggest the fix for "CIV". */
const ALPHA3: readonly string[] = (
  'AND ARE AFG ATG AIA ALB ARM AGO ATA ARG ASM AUT AUS ABW ALA AZE BIH BRB BGD BEL ' +
  'BFA BGR BHR BDI BEN BLM BMU BRN BOL BES BRA BHS BTN BVT BWA BLR BLZ CAN CCK COD ' +
  'CAF COG CHE CIV COK CHL CMR CHN COL CRI CUB CPV CUW CXR CYP CZE DEU DJI DNK DMA ' +
  'DOM DZA ECU EST EGY ESH ERI ESP ETH FIN FJI FLK FSM FRO FRA GAB GBR GRD GEO GUF ' +
  'GGY GHA GIB GRL GMB GIN GLP GNQ GRC SGS GTM GUM GNB GUY HKG HMD HND HRV HTI HUN ' +
  'IDN IRL ISR IMN IND IOT IRQ IRN ISL ITA JEY JAM JOR JPN KEN KGZ KHM KIR COM KNA ' +
  'PRK KOR KWT CYM KAZ LAO LBN LCA LIE LKA LBR LSO LTU LUX LVA LBY MAR MCO MDA MNE ' +
  'MAF MDG MHL MKD MLI MMR MNG MAC MNP MTQ MRT MSR MLT MUS MDV MWI MEX MYS MOZ NAM ' +
  'NCL NER NFK NGA NIC NLD NOR NPL NRU NIU NZL OMN PAN PER PYF PNG PHL PAK POL SPM ' +
  'PCN PRI PSE PRT PLW PRY QAT REU ROU SRB RUS RWA SAU SLB SYC SDN SWE SGP SHN SVN ' +
  'SJM SVK SLE SMR SEN SOM SUR SSD STP SLV SXM SYR SWZ TCA TCD ATF TGO THA TJK TKL ' +
  'TLS TKM TUN TON TUR TTO TUV TWN TZA UKR UGA UMI USA URY UZB VAT VCT VEN VGB VIR ' +
  'VNM VUT WLF WSM YEM MYT ZAF ZMB ZWE'
).split(' ');

const ALPHA2_SET: ReadonlySet<string> = new Set(ISO_3166_ALPHA2);
const FROM_ALPHA3: ReadonlyMap<string, string> = new Map(ALPHA3.map((a3, i) => [a3, ISO_3166_ALPHA2[i]]));
/** Codes people use that ISO does not: the United Kingdom and Greece in EU usage. */
const COMMON_ALIASES: ReadonlyMap<string, string> = new Map([['UK', 'GB'], ['EL', 'GR']]);

/** True when `code` is an ISO 3166-1 alpha-2 code (upper case, exact). */
export function isCountryCode(code: unknown): code is string {
  return typeof code === 'string' && ALPHA2_SET.has(code);
}

function suggestion(value: string): string {
  const upper = value.trim().toUpperCase();
  const fix = ALPHA2_SET.has(upper) ? upper : COMMON_ALIASES.get(upper) ?? FROM_ALPHA3.get(upper);
  if (fix !== undefined) return `write "${fix}"`;
  return 'use the two-letter ISO 3166-1 alpha-2 code, e.g. "CI" for Côte d’Ivoire';
}

/** COUNTRY_CODE_INVALID when ProducerCountry is present (not null) but not an alpha-2 code. */
export function checkCountryCode(properties: Record<string, unknown>): Finding | null {
  const value = properties.ProducerCountry;
  if (value === undefined || value === null || isCountryCode(value)) return null;
  const shown = typeof value === 'string' ? `"${value}"` : JSON.stringify(value) ?? String(value);
  const fix = typeof value === 'string' ? suggestion(value) : suggestion('');
  return {
    code: 'COUNTRY_CODE_INVALID',
    message: `ProducerCountry ${shown} is not an ISO 3166-1 alpha-2 country code; ${fix}.`,
  };
}
