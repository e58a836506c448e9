// npm run terminal:command -- --server <url> [--profile-dir <dir>] [--chromium <path>] [--policy]
// Prints the exact Chromium command line of a Tilts terminal (kiosk mode on <url>/terminal, no
// developer tools, no downloads, only that server reachable), or with --policy the managed policy
// JSON for /etc/chromium/policies/managed/tilts.json. See docs/terminal-setup.md.
// Exits 0 when it printed, 2 on bad arguments (with the reason and the usage on stderr).
import { chromiumCommand, managedPolicy, parseCli, serverWarnings, USAGE } from './lib/terminal-command.ts';

const request = parseCli(process.argv.slice(2));
switch (request.kind) {
  case 'help':
    console.log(USAGE);
    break;
  case 'error':
    console.error(`terminal:command: ${request.message}\n\n${USAGE}`);
    process.exit(2);
    break;
  case 'policy':
    console.log(JSON.stringify(managedPolicy(request.server), null, 2));
    break;
  case 'command':
    console.log(chromiumCommand(request.server, request.options));
    for (const warning of serverWarnings(request.server)) console.error(`warning: ${warning}`);
    break;
}
