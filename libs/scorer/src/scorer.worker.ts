// The scorer thread's entry file (started by `startScorerThread`): the main thread's in-process stream reaches it
// through `parentPort`, its settings through `workerData`.
import 'reflect-metadata';
import { parentPort, workerData } from 'node:worker_threads';
import { runScorerThread, type ScorerThreadData } from './scorer-thread';

if (!parentPort) throw new Error('scorer.worker runs only as a worker thread (see startScorerThread)');
void runScorerThread(parentPort, workerData as ScorerThreadData);
