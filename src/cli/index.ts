// org-data: the command-line tool (package.json "bin"). The commands are in ./commands, one
// file each; docs/cli.md documents them, their environment variables and exit codes.
import { processIo } from './cli-io.js';
import { runCli } from './run-cli.js';

process.exitCode = await runCli(process.argv.slice(2), { env: process.env, io: processIo });
