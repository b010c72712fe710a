// The sync service's own CLI (`commerce-sync serve …`), run from the source rather than a
// build, so process-level tests exercise the code under test.
import { main } from '../../../src/server/cli.js';

const code = await main(process.argv.slice(2));
if (code !== 0) process.exit(code);
