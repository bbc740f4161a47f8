export async function runBench(name: string, quick: boolean): Promise<void> {
  throw new Error(`unknown benchmark "${name}" (quick=${quick})`);
}
