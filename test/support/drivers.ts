import { uuidv7 } from 'uuidv7';
import { expect } from 'vitest';
import { seedDriverProfile } from '../../src/modules/drivers/index.ts';
import { callAs, type TestPlatform } from './platform.ts';

/** A driver of a test, and the token their app calls with. */
export interface ShiftDriver {
  id: string;
  token: string;
}

/**
 * A driver on shift, as the app makes one: a profile (a bike), a token, and the shift opened
 * through the API. With `at`, the driver also reports a position there, recorded now.
 */
export async function driverOnShift(
  t: TestPlatform,
  name: string,
  at?: { lat: number; lng: number },
): Promise<ShiftDriver> {
  const id = uuidv7();
  await seedDriverProfile(t.platform.ctx, { id, name, vehicle: 'bike' });
  const { token } = await t.platform.ctx.tokens.issue({
    userId: uuidv7(),
    role: 'driver',
    driverId: id,
  });
  const shift = await callAs(t, token, 'PUT', '/v1/drivers/me/shift', { status: 'available' });
  expect(shift.statusCode).toBe(200);
  if (at) {
    const points = [{ ...at, recorded_at: new Date().toISOString() }];
    const reported = await callAs(t, token, 'POST', '/v1/drivers/me/locations', { points });
    expect(reported.statusCode).toBe(200);
  }
  return { id, token };
}
