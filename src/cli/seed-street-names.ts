import type { City } from './seed-cities.ts';

/**
 * Names for generated streets in a city's language: main roads from the districts' own lists
 * first, then from a pool of main-road names; other streets from a pool of ordinary names. The
 * pools never hold a district street's name, so those stay unique in the city.
 */

const words = (s: string) => s.trim().split(/\s+/);

const DE_LOCAL_PARTS = words(`
  Linden Birken Eichen Ahorn Buchen Erlen Eschen Kastanien Ulmen Tannen Fichten Kiefern Weiden
  Pappel Holunder Flieder Rosen Tulpen Nelken Lilien Veilchen Dahlien Astern Mohn Kornblumen
  Sonnen Mond Stern Wolken Morgen Abend Sommer Winter Frühlings Herbst Berg Tal Wiesen Feld Wald
  See Teich Bach Brunnen Quellen Mühlen Kirch Schul Markt Garten Park Schloss Burg Hof Dorf
  Kloster Post Bahnhof Hafen Insel Goethe Schiller Lessing Heine Fontane Mozart Beethoven Händel
  Schubert Brahms Humboldt Kant Hegel Leibniz Kepler Dürer Menzel Liebermann Zille Kleist
  Eichendorff Novalis Hölderlin Storm Raabe Hebbel Grimm Uhland Körner Arndt Jahn Stein
  Hardenberg Scharnhorst Blücher Roon Moltke Fichte Herder Wieland Klopstock Gellert Luther
  Melanchthon Virchow Röntgen Planck Einstein Nernst Liebig Siemens Borsig Diesel Benz Zeppelin
  Lilienthal Gauß Euler Riemann Bunsen Mendel Dunant Nobel Lortzing Weber Schumann Mendelssohn
  Telemann Gluck Haydn Liszt Chopin Grieg Sibelius Vivaldi Verdi Puccini Rossini Bizet Ravel
  Amsel Drossel Finken Meisen Lerchen Schwalben Falken Adler Kranich Reiher Storch Eulen Raben
  Hasen Fuchs Dachs Biber Otter Hirsch Reh Luchs Wolfs Bären Hecht Forellen Karpfen Apfel
  Birnen Kirsch Pflaumen Quitten Nuss Hopfen Weizen Roggen Hafer Gersten Flachs Rüben Klee
  Heide Moor Anger Aue Grund Horst Kamp Brink Loh Wurth Deich Werder Holm Sand Kies Lehm Ton
  Kalk Salz Eisen Kupfer Silber Gold Glocken Uhren Weber Schmiede Töpfer Gerber Bäcker Müller
  Fischer Jäger Schäfer Hirten Kantor Pfarr Vogt Schulzen Richter Ritter Grafen Fürsten Königs
  Kaiser Prinzen Herzog Bischofs Abts Nonnen Mönchs Pilger Boten Zoll Münz Rats Bürger Gilden
  Zunft Hanse Lotsen Schiffer Flößer Fähr Brücken Wall Graben Mauer Turm Bastion Zitadellen
`);
const DE_LOCAL_ENDS = ['straße', 'weg', 'gasse', 'ring', 'steig', 'zeile', 'pfad'];
const DE_MAIN_PARTS = words(`
  Potsdamer Leipziger Dresdner Hamburger Frankfurter Prenzlauer Oranienburger Spandauer
  Köpenicker Landsberger Greifswalder Stralsunder Rostocker Schweriner Magdeburger Hallesche
  Brandenburger Cottbuser Pasewalker Bernauer Mecklenburger Märkische Havelländer Teltower
  Oderberger Ruppiner Templiner Eberswalder Wriezener Müncheberger Beeskower Lübbener
  Jüterboger Luckenwalder Zossener Trebbiner Nauener Rathenower Kremmener Lübecker Kieler
  Bremer Hannoversche Harburger Bergedorfer Lüneburger Stader Pinneberger Elmshorner
`);
const DE_MAIN_ENDS = [' Straße', ' Allee', ' Chaussee', ' Damm', ' Landstraße'];

const EN_LOCAL_PARTS = words(`
  Oak Elm Ash Beech Birch Cedar Chestnut Hazel Holly Laurel Maple Pine Rowan Willow Yew Poplar
  Hawthorn Juniper Alder Linden Acacia Magnolia Rose Ivy Primrose Bluebell Daisy Heather
  Lavender Clover Fern Meadow Orchard Mill Church School Garden Station Bridge Spring Well
  Brook River Lake Hill Vale Dale Manor Castle Abbey Priory Chapel Albion Alexandra Victoria
  Albert Windsor Stanley Clarence Cambridge Oxford York Lancaster Devon Cornwall Kent Sussex
  Essex Surrey Norfolk Suffolk Dorset Somerset Warwick Chatsworth Blenheim Balmoral Osborne
  Sandringham Kingsley Milton Byron Shelley Keats Wordsworth Tennyson Dickens Austen Hardy
  Chaucer Spenser Marlowe Newton Darwin Faraday Brunel Stephenson Wren Nelson Wellington Raleigh
  Drake Gladstone Disraeli Pitt Peel Palmerston Addison Ashby Barclay Beaumont Berkeley Carlton
  Cavendish Chester Clifton Denbigh Dunmore Egerton Ellesmere Fairfax Grafton Hamilton Harcourt
  Howard Kenilworth Lansdowne Lowther Melbourne Montague Neville Percy Russell Spencer Talbot
  Vernon Waverley Ainsworth Aldridge Ambrose Arundel Ashford Aylesbury Bamford Barnsley Bedale
  Belgrave Bellamy Benbow Beresford Bexley Blackwood Bolton Bourne Bramley Brandon Brompton
  Buckingham Burleigh Buxton Calder Camden Canfield Carrington Chalfont Chandos Charlton Chiltern
  Clarendon Clayton Colville Compton Conway Cranbourne Cromer Dalton Danbury Darley Dartmouth
  Denton Derwent Dorchester Downing Dudley Durham Eastbourne Eaton Elgin Elmore Epping Exeter
  Falmouth Farley Felton Fenwick Fleetwood Foxley Frampton Glendale Goodwood Gordon Gresham
  Halford Harewood Hartley Hastings Hatfield Haverstock Hereford Hilton Holborn Hollins Hurley
  Ingram Kendal Keswick Kimberley Kirkwood Langley Ledbury Leyton Linford Lonsdale Ludlow Lyndhurst
  Malvern Mansfield Marlborough Mayfield Medway Melrose Merton Midhurst Monmouth Moreton Norton
`);
const GB_LOCAL_ENDS = [' Road', ' Street', ' Lane', ' Grove', ' Gardens', ' Terrace', ' Close'];
const GB_LOCAL_ENDS_2 = [' Place', ' Crescent', ' Avenue', ' Row', ' Mews', ' Walk', ' Way'];
const US_LOCAL_ENDS = [
  ' Street',
  ' Avenue',
  ' Place',
  ' Road',
  ' Lane',
  ' Drive',
  ' Court',
  ' Terrace',
];
const GB_MAIN_PARTS = words(`
  Holloway Kingsland Edgware Finchley Harrow Uxbridge Romford Commercial Whitechapel Caledonian
  Euston Kensington Fulham Wandsworth Clapham Camberwell Lewisham Streatham Tooting Balham
  Putney Chiswick Acton Westbourne Bayswater Kilburn Hampstead Highgate Archway Stamford
  Hackney Dalston Stoke Newington Tottenham Enfield Barnet Hendon Willesden Harlesden Southall
`);
const GB_MAIN_ENDS = [' Road', ' High Road', ' High Street', ' Way', ' Parkway'];
const US_MAIN_PARTS = words(`
  Lexington Madison Park Amsterdam Columbus Atlantic Myrtle Metropolitan Queens Northern Jamaica
  Hillside Linden Pennsylvania Utica Ralph Nostrand Franklin Washington Jefferson Lincoln
  Hamilton Vanderbilt Astoria Liberty Union Jerome Webster Tremont Morris Southern Bruckner
  Pelham Gun Hill Baychester Boston Merrick Rockaway Woodhaven Cross Bay Ocean Coney Island
`);
const US_MAIN_ENDS = [' Avenue', ' Boulevard', ' Parkway', ' Turnpike'];

const combine = (parts: string[], ends: string[]) =>
  ends.flatMap((end) => parts.map((p) => `${p}${end}`));

export interface NamePools {
  /** Main roads beyond the districts' own lists. */
  main: string[];
  /** Every other street. */
  local: string[];
}

const poolsByCity = new Map<string, NamePools>();

/** The city's name pools, without any name of its districts' lists. */
export function namePools(city: City): NamePools {
  const known = poolsByCity.get(city.key);
  if (known) return known;
  const taken = new Set(city.districts.flatMap((d) => d.streets));
  const free = (names: string[]) => [...new Set(names)].filter((n) => !taken.has(n));
  let pools: NamePools;
  if (city.language === 'de')
    pools = {
      main: free(combine(DE_MAIN_PARTS, DE_MAIN_ENDS)),
      local: free(combine(DE_LOCAL_PARTS, DE_LOCAL_ENDS)),
    };
  else if (city.language === 'en-GB')
    pools = {
      main: free(combine(GB_MAIN_PARTS, GB_MAIN_ENDS)),
      local: free(combine(EN_LOCAL_PARTS, [...GB_LOCAL_ENDS, ...GB_LOCAL_ENDS_2])),
    };
  else
    pools = {
      main: free(combine(US_MAIN_PARTS, US_MAIN_ENDS)),
      local: free(combine(EN_LOCAL_PARTS, US_LOCAL_ENDS)),
    };
  poolsByCity.set(city.key, pools);
  return pools;
}

const POSTCODE_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';
/** First postcode of a German city's centre; the rest count up from it. */
const DE_POSTCODE_BASE: Record<string, number> = { berlin: 10115, hamburg: 20095 };
const GB_AREAS = ['E', 'N', 'N', 'NW', 'W', 'SW', 'SE', 'SE'];

/**
 * The postcode of an area: `rank` is the area's place in order of distance from the centre,
 * `angle` its direction from the centre (radians, counterclockwise from east), `salt` a number
 * of the area for letters.
 */
export function postcodeOf(city: City, rank: number, angle: number, salt: number): string {
  if (city.language === 'de') {
    const base = DE_POSTCODE_BASE[city.key] ?? 10115;
    return String(base + ((rank * 3) % 3900)).padStart(5, '0');
  }
  if (city.language === 'en-US') return String(10001 + (rank % 1990)).padStart(5, '0');
  const sector = Math.floor(((((angle / (2 * Math.PI)) % 1) + 1) % 1) * 8) % 8;
  const area = rank < 4 ? (sector < 4 ? 'EC' : 'WC') : (GB_AREAS[sector] as string);
  const district = 1 + (Math.floor(rank / 8) % 28);
  const letter = (k: number) => POSTCODE_LETTERS[(salt >>> (k * 5)) % POSTCODE_LETTERS.length];
  return `${area}${district} ${salt % 10}${letter(1)}${letter(2)}`;
}
