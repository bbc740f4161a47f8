import { describe, expect, it } from 'vitest';
import { houseNumberOrder, parsePlaceQuery, placeKey } from './place-text.ts';

describe('street names as search compares them', () => {
  it('reads ß/ss, umlauts spelled any way and abbreviations alike', () => {
    for (const s of [
      'Torstraße',
      'Torstrasse',
      'torstr.',
      'TORSTR',
      'Tor-Straße'.replace('-S', 's'),
    ])
      expect(placeKey(s), s).toBe('torstrasse');
    for (const s of ['Schönhauser Allee', 'Schoenhauser Allee', 'schonhauser allee'])
      expect(placeKey(s), s).toBe('schonhauser allee');
    expect(placeKey('Karl-Marx-Str. ')).toBe(placeKey('Karl Marx Straße'));
    expect(placeKey('King’s Rd')).toBe(placeKey('Kings Road'));
    expect(placeKey('Bedford Ave')).toBe(placeKey('Bedford Avenue'));
    expect(placeKey('W 45th St')).toBe('w 45th street');
  });

  it('splits street, house number and postcode in either order', () => {
    expect(parsePlaceQuery('Torstraße 12')).toEqual({
      street: 'torstrasse',
      housenumber: '12',
      postcode: null,
    });
    expect(parsePlaceQuery('torstr.12a')).toEqual({
      street: 'torstrasse',
      housenumber: '12a',
      postcode: null,
    });
    expect(parsePlaceQuery('Torstr 12 a, 10119 Berlin')).toEqual({
      street: 'torstrasse berlin',
      housenumber: '12a',
      postcode: '10119',
    });
    expect(parsePlaceQuery('12 Baker Street')).toEqual({
      street: 'baker street',
      housenumber: '12',
      postcode: null,
    });
    expect(parsePlaceQuery('86th Street')).toEqual({
      street: '86th street',
      housenumber: null,
      postcode: null,
    });
    expect(parsePlaceQuery("'; DROP TABLE x; --").street).toBe('drop table x');
    expect(houseNumberOrder('12a')).toBe(12);
    expect(houseNumberOrder('b')).toBe(0);
  });
});
