/**
 * The check catalog: an explicit, sorted type → definition map. `list`, `explain`, validation and the
 * JSON Schema are all derived from it.
 */
import type { AnyCheckDefinition } from './define.js';
import { breakeven } from './fees/breakeven.js';
import { exitWindow } from './governance/exitWindow.js';
import { fund } from './insurance/fund.js';
import { venueFund } from './insurance/venueFund.js';
import { simulate } from './liquidation/simulate.js';
import { chainlink } from './oracle/chainlink.js';
import { deviation } from './oracle/deviation.js';
import { market } from './oracle/market.js';
import { pyth } from './oracle/pyth.js';
import { probe } from './reorg/probe.js';
import { batchAge } from './sequencer/batchAge.js';
import { cadence } from './sequencer/cadence.js';
import { headAge } from './sequencer/headAge.js';
import { outages } from './sequencer/outages.js';
import { rpcDivergence } from './sequencer/rpcDivergence.js';
import { safeLag } from './sequencer/safeLag.js';
import { uptimeFeed } from './sequencer/uptimeFeed.js';
import { drillCheck } from './withdrawal/drill.js';
import { path } from './withdrawal/path.js';

const definitions: AnyCheckDefinition[] = [
  breakeven,
  exitWindow,
  fund,
  venueFund,
  market,
  simulate,
  chainlink,
  deviation,
  pyth,
  probe,
  batchAge,
  cadence,
  headAge,
  outages,
  rpcDivergence,
  safeLag,
  uptimeFeed,
  path,
  drillCheck,
];

export const checkRegistry: ReadonlyMap<string, AnyCheckDefinition> = new Map(
  // Code-unit order (types are lowercase ASCII): localeCompare would start ICU's collator, 10–30 ms of
  // every start that imports the registry.
  definitions.sort((a, b) => (a.type < b.type ? -1 : 1)).map((d) => [d.type, d]),
);
