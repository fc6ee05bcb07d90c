// Every group of cases, in the order they run. A new group goes here; a new case goes in its
// group's `cases` (docs/benchmarks.md).
import type { BenchGroup } from '../case.js';
import { documents } from './documents/index.js';
import { events } from './events/index.js';
import { forms } from './forms/index.js';
import { encryption } from './encryption/index.js';
import { history } from './history/index.js';
import { identity } from './identity/index.js';
import { queue } from './queue/index.js';
import { replicas } from './replicas/index.js';
import { tenant } from './tenant/index.js';
import { verify } from './verify/index.js';
import { workflows } from './workflows/index.js';

/** The sections of the benchmark, in run order. */
export const GROUPS: readonly BenchGroup[] = [identity, verify, tenant, queue, history, documents, events, encryption, forms, workflows, replicas];
