import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { writeZip } from './zip';

export const manifestDir = join(import.meta.dirname, '..', '..', 'manifest', 'teams');
const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class PackageError extends Error {}

/**
 * The Teams app package to upload: manifest.json with the bot's app id (MicrosoftAppId) and the
 * bot's host (TEAMS_APP_DOMAIN, optional) filled in, and the two icons, at the zip's root.
 */
export function buildTeamsPackage(env: NodeJS.ProcessEnv, folder = manifestDir): Buffer {
  const appId = env.MicrosoftAppId?.trim() ?? '';
  if (!guid.test(appId)) {
    throw new PackageError(
      "MicrosoftAppId must be set to the Azure bot's app id (a GUID such as 00000000-0000-0000-0000-000000000000)",
    );
  }
  const domain = env.TEAMS_APP_DOMAIN?.trim();
  if (domain && !/^[a-z0-9.-]+(:\d+)?$/i.test(domain)) {
    throw new PackageError('TEAMS_APP_DOMAIN must be a host name only, such as metbot.example.org');
  }
  const manifest = JSON.parse(
    readFileSync(join(folder, 'manifest.json'), 'utf8').replaceAll('{{MicrosoftAppId}}', appId),
  );
  if (domain) manifest.validDomains = [...new Set([...(manifest.validDomains ?? []), domain])];
  return writeZip([
    { name: 'manifest.json', data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`) },
    { name: 'color.png', data: readFileSync(join(folder, 'color.png')) },
    { name: 'outline.png', data: readFileSync(join(folder, 'outline.png')) },
  ]);
}

/** npm run package:teams [-- <output file>] */
export function packageTeamsApp(env: NodeJS.ProcessEnv, out = 'dist/metbot-teams.zip'): string {
  const path = resolve(out);
  const zip = buildTeamsPackage(env);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, zip);
  return path;
}

if (process.argv[1]?.endsWith('package-app.ts')) {
  try {
    const path = packageTeamsApp(process.env, process.argv[2]);
    process.stdout.write(
      `Teams app package written to ${path}: upload it in Teams (Apps, Manage your apps).\n`,
    );
  } catch (error) {
    if (!(error instanceof PackageError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
