// A separate process that takes a run lease and keeps it until it is killed: the other side
// of the store suite's "a dead holder's lease" tests. Usage: lease-holder.ts <store JSON> <key>
import { openStore, type StoreOptions } from '../../../src/server/store/index.js';

const [options, key] = process.argv.slice(2);
if (!options || !key) throw new Error('usage: lease-holder.ts <store options JSON> <lease key>');
const store = await openStore(JSON.parse(options) as StoreOptions);
// An hour: only the holder's death, never its expiry, can free it during the test.
const lease = await store.tryLease(key, 'child', 3_600_000, new Date());
process.stdout.write(lease ? 'held\n' : 'busy\n');
setInterval(() => undefined, 60_000);
