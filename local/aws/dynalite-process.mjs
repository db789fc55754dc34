/**
 * dynalite in a process of its own (plain JavaScript, so it starts without a TypeScript loader), for
 * benchmarks: DynamoDB is another machine, so its work must not share the event loop of the client
 * being measured. Prints `{"port":N}` once it listens on 127.0.0.1; stops when its parent closes
 * its stdin (also when the parent dies) or on SIGTERM.
 */
import dynalite from 'dynalite';

const [path] = process.argv.slice(2);
const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(path ? { path } : {}) });
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
const stop = () => {
  server.closeAllConnections?.();
  server.close(() => process.exit(0));
};
process.stdin.on('end', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
