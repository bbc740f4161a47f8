import { ensureWebBuilt } from '../../web/build.ts';

/** The browser suite drives the built apps: build them first when web/dist is missing or stale. */
export default async function setup() {
  await ensureWebBuilt((line) => console.log(`e2e: ${line}`));
}
