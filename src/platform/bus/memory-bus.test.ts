import { busContract } from './bus.contract.ts';
import { createMemoryBus } from './memory-bus.ts';

// Failing handlers are part of the contract; their warnings would only be noise here.
const silent = { warn() {}, error() {} };

busContract('memory', async (deadLetter) => createMemoryBus({ deadLetter, logger: silent }));
