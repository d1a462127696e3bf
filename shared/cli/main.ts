// `npm run cli -- …`: operate a Communiqué platform from the shell.
import { runCli } from './program.js';

process.exitCode = await runCli(process.argv.slice(2));
