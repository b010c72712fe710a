import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';

// The widget's wizard, settings and locale catalogs load on demand (dynamic imports); under a
// full parallel suite on a small machine the first import can take longer than the library's
// 1 s default for `findBy*` / `waitFor`, which made the first lookup of a test flaky.
configure({ asyncUtilTimeout: 5000 });

afterEach(() => cleanup());
