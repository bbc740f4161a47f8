import { busConsumersContract } from './bus-consumers.contract.ts';
import { busContract } from './bus.contract.ts';
import { createMemoryBus } from './memory-bus.ts';
import type { DeadLetterSink } from './port.ts';

// Failing handlers are part of the contract; their warnings would only be noise here.
const silent = { warn() {}, error() {} };

const makeBus = async (deadLetter: DeadLetterSink) =>
  createMemoryBus({ deadLetter, logger: silent });

busContract('memory', makeBus);
busConsumersContract('memory', makeBus);
