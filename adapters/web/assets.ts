import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Express, Request, Response } from 'express';
import { secureHeaders } from './session';

const require = createRequire(import.meta.url);

/**
 * The dashboard's own CSS and scripts, and the two libraries it uses, served from the installed
 * packages: nothing is fetched from a CDN (the pages' Content-Security-Policy allows only 'self').
 */
export const assetFiles: Record<string, string> = {
  'dashboard.css': join(import.meta.dirname, 'assets', 'dashboard.css'),
  'dashboard.js': join(import.meta.dirname, 'assets', 'dashboard.js'),
  'figures.js': join(import.meta.dirname, 'assets', 'figures.js'),
  'pack.js': join(import.meta.dirname, 'assets', 'pack.js'),
  'teams-tab.js': join(import.meta.dirname, 'assets', 'teams-tab.js'),
  'teams-page.js': join(import.meta.dirname, 'assets', 'teams-page.js'),
  'teams-config.js': join(import.meta.dirname, 'assets', 'teams-config.js'),
  // require.resolve('chart.js') is dist/chart.cjs; the UMD build sits beside it.
  'vendor/chart.umd.js': join(dirname(require.resolve('chart.js')), 'chart.umd.js'),
  // The package's main file is dist/umd/MicrosoftTeams.min.js.
  'vendor/MicrosoftTeams.min.js': require.resolve('@microsoft/teams-js'),
};

export function mountAssets(app: Express): void {
  app.get(/^\/dashboard\/assets\/(.+)$/, (req: Request, res: Response) => {
    const name = (req.params as Record<string, string>)[0] ?? '';
    // Own keys only: "constructor" or "__proto__" is not a file.
    const file = Object.hasOwn(assetFiles, name) ? assetFiles[name] : undefined;
    if (!file) return void res.status(404).type('text').send('Not found');
    secureHeaders(res, { cache: true });
    res.sendFile(file);
  });
}
