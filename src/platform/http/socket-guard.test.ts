import { describe, expect, it } from 'vitest';
import { chooseSubprotocol, originAllowed } from './socket-guard.ts';

describe('socket upgrade origin', () => {
  it("allows no Origin (not a browser) and the API's own origin, by default nothing else", () => {
    expect(originAllowed(undefined, 'api.example.com', [])).toBe(true);
    expect(originAllowed('https://api.example.com', 'api.example.com', [])).toBe(true);
    expect(originAllowed('http://127.0.0.1:3000', '127.0.0.1:3000', [])).toBe(true);
    // Default ports and letter case do not make another origin.
    expect(originAllowed('https://API.example.com', 'api.example.com:443', [])).toBe(true);
    expect(originAllowed('http://127.0.0.1:3001', '127.0.0.1:3000', [])).toBe(false);
    expect(originAllowed('https://evil.example', 'api.example.com', [])).toBe(false);
    expect(originAllowed('https://api.example.com.evil.example', 'api.example.com', [])).toBe(
      false,
    );
    expect(originAllowed('null', 'api.example.com', [])).toBe(false);
    expect(originAllowed('file://', 'api.example.com', [])).toBe(false);
  });

  it('allows the listed origins besides its own, or any with *', () => {
    const listed = ['https://app.example.com'];
    expect(originAllowed('https://app.example.com', 'api.example.com', listed)).toBe(true);
    expect(originAllowed('http://app.example.com', 'api.example.com', listed)).toBe(false);
    expect(originAllowed('https://api.example.com', 'api.example.com', listed)).toBe(true);
    expect(originAllowed('https://evil.example', 'api.example.com', ['*'])).toBe(true);
  });

  it('answers lastmile.v1 when offered, never a token', () => {
    expect(chooseSubprotocol(new Set(['bearer.abc', 'lastmile.v1']))).toBe('lastmile.v1');
    expect(chooseSubprotocol(new Set(['bearer.abc']))).toBe(false);
  });
});
