import { hash, verify } from '@node-rs/argon2';

// OWASP's minimum for argon2id is 19 MiB memory, 2 iterations, 1 lane; we use those.
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string): Promise<string> => hash(password, OPTIONS);

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

/**
 * Compared against when the email is unknown, so a wrong email and a wrong password take the same
 * time and the response does not reveal which accounts exist.
 */
let dummy: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummy ??= hashPassword('not-a-real-password');
  return dummy;
}
