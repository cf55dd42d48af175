/*
 * Where the benchmark's files are. The benchmark runs from build/bench and
 * starts only the servers compiled next to it; the dated records it writes are
 * committed files, kept in the source tree's bench/.
 */
import * as path from 'path';

/** build/bench/servers: one compiled server per variant (bench/servers/<variant>.ts). */
export const SERVERS_DIR = path.join(__dirname, 'servers');

/** bench/ of the source tree (from build/bench): RESULTS.md and DISPATCH-RESULTS.md. */
export const RECORDS_DIR = path.join(__dirname, '..', '..', 'bench');
