import { harnesses } from './harness.js';
import { storeSuite } from './store-suite.js';

describe.each(harnesses())('webhook delivery store on $name', storeSuite);
