/**
 * Metro areas the generator can fill. Districts carry a weight (how many stores and customers
 * cluster there: the centre more) and a spread; stores and customer points are drawn around them,
 * so they land in neighbourhoods rather than in rivers and parks.
 */
export interface District {
  name: string;
  lat: number;
  lng: number;
  /** Relative share of stores and customers. */
  weight: number;
  /** Standard deviation of points around the district centre, metres. */
  spreadM: number;
  /** Shopping streets of the district, for store names and addresses. */
  streets: readonly string[];
}

export interface City {
  key: CityKey;
  name: string;
  /** The city centre: the demo's customer point and the bench's reference. */
  center: { lat: number; lng: number; label: string };
  timezone: string;
  currency: 'EUR' | 'GBP' | 'USD';
  /** Price level relative to the EUR list prices of the grocery data. */
  priceFactor: number;
  /** Zone radius grows from the centre outwards: dense centre, small zones. */
  metroRadiusM: number;
  /** Layout code inside seed ids (0–6; 7 is the demo city). */
  code: number;
  districts: readonly District[];
}

export const CITY_KEYS = ['berlin', 'london', 'nyc'] as const;
export type CityKey = (typeof CITY_KEYS)[number];

type Row = [
  name: string,
  lat: number,
  lng: number,
  weight: number,
  spreadKm: number,
  streets: string,
];
const districts = (rows: Row[]): District[] =>
  rows.map(([name, lat, lng, weight, km, streets]) => ({
    name,
    lat,
    lng,
    weight,
    spreadM: km * 1000,
    streets: streets.split('|'),
  }));

export const CITIES: Readonly<Record<CityKey, City>> = {
  berlin: {
    key: 'berlin',
    name: 'Berlin',
    center: { lat: 52.52, lng: 13.405, label: 'Berlin Mitte' },
    timezone: 'Europe/Berlin',
    currency: 'EUR',
    priceFactor: 1,
    metroRadiusM: 22_000,
    code: 0,
    districts: districts([
      [
        'Mitte',
        52.52,
        13.405,
        5,
        1.4,
        'Torstraße|Invalidenstraße|Friedrichstraße|Rosenthaler Straße',
      ],
      [
        'Prenzlauer Berg',
        52.539,
        13.424,
        4,
        1.3,
        'Kastanienallee|Schönhauser Allee|Danziger Straße|Prenzlauer Allee',
      ],
      [
        'Friedrichshain',
        52.515,
        13.454,
        4,
        1.3,
        'Warschauer Straße|Boxhagener Straße|Frankfurter Allee|Simon-Dach-Straße',
      ],
      [
        'Kreuzberg',
        52.497,
        13.411,
        4,
        1.4,
        'Oranienstraße|Bergmannstraße|Gneisenaustraße|Wiener Straße',
      ],
      [
        'Neukölln',
        52.476,
        13.438,
        4,
        1.6,
        'Sonnenallee|Karl-Marx-Straße|Hermannstraße|Weserstraße',
      ],
      [
        'Schöneberg',
        52.483,
        13.353,
        3,
        1.4,
        'Hauptstraße|Potsdamer Straße|Goltzstraße|Akazienstraße',
      ],
      [
        'Charlottenburg',
        52.516,
        13.304,
        3,
        1.6,
        'Kantstraße|Kurfürstendamm|Kaiserdamm|Wilmersdorfer Straße',
      ],
      ['Wilmersdorf', 52.487, 13.32, 2, 1.5, 'Uhlandstraße|Bundesallee|Berliner Straße'],
      ['Moabit', 52.53, 13.342, 2, 1.2, 'Turmstraße|Alt-Moabit|Beusselstraße'],
      ['Wedding', 52.55, 13.366, 3, 1.5, 'Müllerstraße|Seestraße|Badstraße'],
      ['Pankow', 52.569, 13.402, 2, 2, 'Breite Straße|Florastraße|Berliner Straße'],
      ['Weißensee', 52.555, 13.465, 1, 1.8, 'Berliner Allee|Langhansstraße'],
      ['Lichtenberg', 52.515, 13.499, 2, 2, 'Frankfurter Allee|Möllendorffstraße|Siegfriedstraße'],
      ['Treptow', 52.49, 13.47, 2, 1.8, 'Elsenstraße|Baumschulenstraße|Kiefholzstraße'],
      ['Köpenick', 52.445, 13.575, 1, 2.5, 'Bölschestraße|Bahnhofstraße|Friedrichshagener Straße'],
      ['Tempelhof', 52.466, 13.386, 2, 1.8, 'Tempelhofer Damm|Alt-Tempelhof|Manteuffelstraße'],
      ['Steglitz', 52.456, 13.322, 2, 2, 'Schloßstraße|Albrechtstraße|Birkbuschstraße'],
      ['Zehlendorf', 52.434, 13.259, 1, 2.5, 'Teltower Damm|Clayallee|Potsdamer Chaussee'],
      ['Spandau', 52.535, 13.2, 1, 2.5, 'Carl-Schurz-Straße|Klosterstraße|Seegefelder Straße'],
      [
        'Reinickendorf',
        52.588,
        13.33,
        1,
        2.5,
        'Residenzstraße|Scharnweberstraße|Alt-Reinickendorf',
      ],
      [
        'Marzahn',
        52.545,
        13.564,
        1,
        2.2,
        'Marzahner Promenade|Allee der Kosmonauten|Landsberger Allee',
      ],
      ['Hellersdorf', 52.535, 13.605, 1, 2, 'Hellersdorfer Straße|Stendaler Straße|Cecilienstraße'],
    ]),
  },
  london: {
    key: 'london',
    name: 'London',
    center: { lat: 51.5074, lng: -0.1278, label: 'Charing Cross' },
    timezone: 'Europe/London',
    currency: 'GBP',
    priceFactor: 0.9,
    metroRadiusM: 25_000,
    code: 1,
    districts: districts([
      ['Westminster', 51.497, -0.137, 4, 1.2, 'Victoria Street|Strutton Ground|Horseferry Road'],
      ['City', 51.515, -0.092, 3, 1, 'Cheapside|Bishopsgate|Fleet Street'],
      ['Camden', 51.539, -0.142, 4, 1.4, 'Camden High Street|Kentish Town Road|Chalk Farm Road'],
      [
        'Islington',
        51.538,
        -0.103,
        4,
        1.4,
        'Upper Street|Essex Road|Holloway Road|Caledonian Road',
      ],
      [
        'Hackney',
        51.545,
        -0.055,
        4,
        1.6,
        'Mare Street|Kingsland Road|Dalston Lane|Chatsworth Road',
      ],
      ['Shoreditch', 51.526, -0.078, 3, 1, 'Old Street|Brick Lane|Great Eastern Street'],
      ['Southwark', 51.503, -0.08, 3, 1.3, 'Borough High Street|Walworth Road|Bermondsey Street'],
      ['Lambeth', 51.496, -0.117, 3, 1.3, 'Lower Marsh|Kennington Road|Lambeth Walk'],
      ['Brixton', 51.462, -0.114, 3, 1.4, 'Coldharbour Lane|Brixton Road|Acre Lane'],
      ['Clapham', 51.462, -0.138, 3, 1.3, 'Northcote Road|Clapham High Street|Abbeville Road'],
      ['Battersea', 51.475, -0.155, 2, 1.3, 'Lavender Hill|Battersea Park Road|Queenstown Road'],
      ['Chelsea', 51.487, -0.169, 2, 1.1, 'King’s Road|Fulham Road|Sloane Avenue'],
      [
        'Kensington',
        51.499,
        -0.199,
        2,
        1.2,
        'Kensington High Street|Earl’s Court Road|Gloucester Road',
      ],
      [
        'Hammersmith',
        51.492,
        -0.223,
        2,
        1.4,
        'King Street|Fulham Palace Road|Shepherd’s Bush Road',
      ],
      ['Notting Hill', 51.509, -0.196, 2, 1.1, 'Portobello Road|Westbourne Grove|Ladbroke Grove'],
      ['Marylebone', 51.522, -0.155, 3, 1.1, 'Marylebone High Street|Edgware Road|Baker Street'],
      [
        'Greenwich',
        51.482,
        -0.005,
        2,
        1.8,
        'Trafalgar Road|Greenwich Church Street|Blackheath Road',
      ],
      ['Stratford', 51.541, -0.003, 2, 1.8, 'Romford Road|The Grove|Leyton Road'],
      ['Peckham', 51.474, -0.069, 2, 1.5, 'Rye Lane|Peckham High Street|Bellenden Road'],
      ['Wimbledon', 51.421, -0.206, 1, 2, 'The Broadway|Wimbledon Hill Road|Merton Road'],
      ['Croydon', 51.376, -0.098, 1, 2.5, 'London Road|George Street|Brighton Road'],
      ['Ealing', 51.513, -0.305, 1, 2.2, 'Uxbridge Road|The Mall|South Ealing Road'],
      ['Wembley', 51.553, -0.296, 1, 2, 'Wembley High Road|Harrow Road|Ealing Road'],
      ['Tottenham', 51.597, -0.072, 1, 2, 'Tottenham High Road|West Green Road|Philip Lane'],
      ['Walthamstow', 51.584, -0.02, 1, 2, 'Hoe Street|Walthamstow High Street|Lea Bridge Road'],
      ['Lewisham', 51.461, -0.011, 1, 2, 'Lewisham High Street|Loampit Vale|Ladywell Road'],
    ]),
  },
  nyc: {
    key: 'nyc',
    name: 'New York',
    center: { lat: 40.754, lng: -73.984, label: 'Midtown Manhattan' },
    timezone: 'America/New_York',
    currency: 'USD',
    priceFactor: 1.15,
    metroRadiusM: 25_000,
    code: 2,
    districts: districts([
      ['Midtown', 40.754, -73.984, 5, 1, '8th Avenue|Lexington Avenue|West 45th Street|2nd Avenue'],
      ['Lower Manhattan', 40.709, -74.008, 3, 0.8, 'Broadway|Fulton Street|Water Street'],
      ['Upper East Side', 40.774, -73.956, 4, 0.9, 'Lexington Avenue|2nd Avenue|East 86th Street'],
      ['Upper West Side', 40.787, -73.975, 4, 0.8, 'Amsterdam Avenue|Columbus Avenue|Broadway'],
      [
        'Harlem',
        40.811,
        -73.946,
        3,
        1,
        'Frederick Douglass Boulevard|Malcolm X Boulevard|West 125th Street',
      ],
      ['Chelsea', 40.746, -74.001, 3, 0.7, '8th Avenue|9th Avenue|West 23rd Street'],
      [
        'Greenwich Village',
        40.734,
        -74.0,
        3,
        0.7,
        'Bleecker Street|Hudson Street|Christopher Street',
      ],
      ['East Village', 40.726, -73.982, 3, 0.7, '2nd Avenue|Avenue A|East 7th Street'],
      ['Williamsburg', 40.708, -73.957, 4, 1.1, 'Bedford Avenue|Grand Street|Metropolitan Avenue'],
      ['Bushwick', 40.694, -73.922, 3, 1.2, 'Knickerbocker Avenue|Wyckoff Avenue|Myrtle Avenue'],
      ['Park Slope', 40.671, -73.978, 3, 1.1, '7th Avenue|5th Avenue|Union Street'],
      ['Brooklyn Heights', 40.696, -73.994, 2, 0.7, 'Montague Street|Court Street|Henry Street'],
      ['Bed-Stuy', 40.687, -73.942, 3, 1.2, 'Nostrand Avenue|Fulton Street|Tompkins Avenue'],
      ['Crown Heights', 40.668, -73.944, 2, 1.2, 'Franklin Avenue|Eastern Parkway|Kingston Avenue'],
      ['Flatbush', 40.641, -73.959, 2, 1.4, 'Flatbush Avenue|Church Avenue|Cortelyou Road'],
      ['Bay Ridge', 40.626, -74.027, 1, 1.2, '3rd Avenue|5th Avenue|86th Street'],
      ['Astoria', 40.764, -73.923, 3, 1.2, 'Steinway Street|31st Street|Ditmars Boulevard'],
      ['Long Island City', 40.744, -73.949, 2, 0.9, 'Vernon Boulevard|Jackson Avenue|21st Street'],
      ['Jackson Heights', 40.756, -73.886, 2, 1.2, 'Roosevelt Avenue|37th Avenue|82nd Street'],
      ['Flushing', 40.767, -73.833, 2, 1.5, 'Main Street|Roosevelt Avenue|Kissena Boulevard'],
      ['Forest Hills', 40.719, -73.845, 1, 1.3, 'Austin Street|Queens Boulevard|71st Avenue'],
      ['Jamaica', 40.702, -73.789, 1, 1.6, 'Jamaica Avenue|Sutphin Boulevard|Hillside Avenue'],
      ['South Bronx', 40.816, -73.918, 2, 1.2, '3rd Avenue|East 149th Street|Willis Avenue'],
      ['Fordham', 40.861, -73.89, 1, 1.4, 'Fordham Road|Grand Concourse|Webster Avenue'],
      ['Jersey City', 40.718, -74.047, 2, 1.2, 'Newark Avenue|Grove Street|Montgomery Street'],
      ['Hoboken', 40.744, -74.032, 1, 0.6, 'Washington Street|Bloomfield Street|1st Street'],
    ]),
  },
};

export const DEMO_LAYOUT_CODE = 7;

export function cityByKey(key: string): City {
  if (!(CITY_KEYS as readonly string[]).includes(key))
    throw new Error(`unknown city "${key}"; known: ${CITY_KEYS.join(', ')}`);
  return CITIES[key as CityKey];
}
