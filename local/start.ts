// `npm start`: the whole pipeline on one machine (see start-command.ts and local-run.ts).
import { processIo } from '#tools/lib/cli.ts';
import { quietSdkNodeWarning } from '#tools/lib/sdk-node-warning.ts';
import { startCommand } from './start-command.ts';

const stop = new AbortController();
process.once('SIGINT', () => {
  process.stderr.write('\nstopping (Ctrl-C again to quit at once)…\n');
  stop.abort();
  process.once('SIGINT', () => process.exit(130));
});
process.once('SIGTERM', () => stop.abort());

quietSdkNodeWarning();
const io = processIo();
const code = await startCommand(stop.signal).run(process.argv.slice(2), io);
// Keep-alive sockets of the SDK and the HTTP transport must not hold the process open after the run.
process.exit(code);
