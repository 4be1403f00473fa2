/** The recorded fixtures in this folder, and the shared replay helpers. */
import { fixtureReader } from '../../shared/testing/replay.js';

export const { readFixture, readJsonFixture } = fixtureReader(import.meta.url);
export { collect, replaySse } from '../../shared/testing/replay.js';
