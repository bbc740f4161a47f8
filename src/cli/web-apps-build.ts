/**
 * The web apps the api role serves, built first when web/dist is missing or older than their
 * sources. A failed build is reported and the API starts all the same (the apps answer 404).
 */
export async function buildWebIfStale(): Promise<void> {
  const say = (line: string) => process.stderr.write(`lastmile: ${line}\n`);
  try {
    const { ensureWebBuilt } = await import('../../web/build.ts');
    await ensureWebBuilt(say);
  } catch (err) {
    say(`the web apps could not be built: ${err instanceof Error ? err.message : String(err)}`);
  }
}
