/**
 * Street names as search compares them. Stored names and typed queries go through the same
 * `placeKey`, so every rule here only has to be consistent, not linguistically right: `Torstraße`,
 * `Torstrasse`, `torstr.` and `TORSTR` all become `torstrasse`; `Schönhauser`, `Schoenhauser` and
 * `Schonhauser` all become `schonhauser`.
 */

/** Whole-word abbreviations, after accents and punctuation are gone. */
const WORDS: Record<string, string> = {
  str: 'strasse',
  st: 'street',
  rd: 'road',
  ave: 'avenue',
  av: 'avenue',
  blvd: 'boulevard',
  ln: 'lane',
  sq: 'square',
  pl: 'place',
  dr: 'drive',
  ct: 'court',
};

export function placeKey(text: string): string {
  const words = text
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/['’`´]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ');
  return (
    words
      .map((w) => WORDS[w] ?? w.replace(/^(.{3,})str$/, '$1strasse'))
      .join(' ')
      // Umlauts written out (oe, ae, ue) read as the plain vowel, as their stripped form does.
      .replace(/([aou])e/g, '$1')
  );
}

export interface PlaceQuery {
  /** The street part, as `placeKey` writes it (may be empty). */
  street: string;
  /** A house number (`12`, `12a`), lower case, or null. */
  housenumber: string | null;
  /** A postcode-like token (5 digits), or null. */
  postcode: string | null;
}

const HOUSE_NUMBER = /^\d{1,4}[a-z]?$/;
const POSTCODE = /^\d{5}$/;

/**
 * Splits a typed address into street, house number and postcode, in either order
 * (`Torstraße 12`, `12 Baker Street`, `Torstr. 12, 10119 Berlin`).
 */
export function parsePlaceQuery(q: string): PlaceQuery {
  // A number glued to the street (`torstr.12`, `torstr12`) is still a number.
  const words = placeKey(q.replace(/([a-zA-Zß.])(\d)/g, '$1 $2'))
    .split(' ')
    .filter(Boolean);
  let housenumber: string | null = null;
  let postcode: string | null = null;
  const rest: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    const next = words[i + 1];
    // `12 a` is the house number 12a.
    if (housenumber === null && /^\d{1,4}$/.test(w) && next && /^[a-z]$/.test(next)) {
      housenumber = `${w}${next}`;
      i++;
    } else if (housenumber === null && HOUSE_NUMBER.test(w)) housenumber = w;
    else if (postcode === null && POSTCODE.test(w)) postcode = w;
    else rest.push(w);
  }
  return { street: rest.join(' '), housenumber, postcode };
}

/** The leading number of a house number (`12a` → 12), for ordering; 0 when there is none. */
export function houseNumberOrder(housenumber: string): number {
  const m = /^\d{1,9}/.exec(housenumber.trim());
  return m ? Number(m[0]) : 0;
}
