import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { shareCommandId } from '../../adapters/teams/bot';
import { buildTeamsPackage, manifestDir } from '../../adapters/teams/package-app';

const manifest = JSON.parse(readFileSync(join(manifestDir, 'manifest.json'), 'utf8'));

/** Width, height, colour type and whether it has an alpha channel, from the PNG header itself. */
function pngHeader(file: string) {
  const png = readFileSync(join(manifestDir, file));
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20), colourType: png[25] };
}

/** The files in a zip, read from its central directory, each inflated. */
function unzip(zip: Buffer): Map<string, Buffer> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    const method = zip.readUInt16LE(at + 10);
    const packedSize = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    const dataAt = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const packed = zip.subarray(dataAt, dataAt + packedSize);
    files.set(name, method === 8 ? inflateRawSync(packed) : packed);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return files;
}

const appId = '11111111-2222-4333-8444-555555555555';

describe('the Teams app manifest and package', () => {
  it('has the fields Teams requires', () => {
    expect(manifest.$schema).toMatch(/teams\/v1\.\d+\/MicrosoftTeams\.schema\.json$/);
    expect(manifest.$schema).toContain(`v${manifest.manifestVersion}/`);
    expect(Number(manifest.manifestVersion.split('.')[1])).toBeGreaterThanOrEqual(22);
    for (const field of ['version', 'id', 'developer', 'name', 'description', 'icons', 'accentColor']) {
      expect(manifest[field], field).toBeTruthy();
    }
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+$/);
    for (const url of ['websiteUrl', 'privacyUrl', 'termsOfUseUrl']) {
      expect(manifest.developer[url]).toMatch(/^https:\/\//);
    }
    expect(manifest.name.short.length).toBeLessThanOrEqual(30);
    expect(manifest.description.short.length).toBeLessThanOrEqual(80);
    expect(manifest.description.full.length).toBeLessThanOrEqual(4000);
    expect(manifest.accentColor).toMatch(/^#[0-9A-Fa-f]{6}$/);
    expect(manifest.validDomains).toBeInstanceOf(Array);
  });

  it('declares the bot in personal, team and group-chat scopes with the commands', () => {
    const [bot] = manifest.bots;
    expect(bot.botId).toBe('{{MicrosoftAppId}}');
    expect(bot.scopes).toEqual(['personal', 'team', 'groupChat']);
    const personal = bot.commandLists.find((list: { scopes: string[] }) => list.scopes.includes('personal'));
    const titles = personal.commands.map((c: { title: string }) => c.title);
    for (const word of [
      'help',
      'intel',
      'missing',
      'found',
      'due',
      'list',
      'mine',
      'missing now',
      'repeat',
    ]) {
      expect(titles).toContain(word);
    }
    expect(titles.some((title: string) => title.startsWith('check'))).toBe(true);
    for (const list of bot.commandLists) {
      expect(list.commands.length).toBeLessThanOrEqual(10);
      for (const command of list.commands) {
        expect(command.title.length).toBeLessThanOrEqual(32);
        expect(command.description.length).toBeLessThanOrEqual(128);
      }
    }
  });

  it('offers Share as intelligence on a message', () => {
    const [extension] = manifest.composeExtensions;
    expect(extension.botId).toBe('{{MicrosoftAppId}}');
    expect(extension.commands).toEqual([
      expect.objectContaining({ id: shareCommandId, type: 'action', context: ['message'], fetchTask: true }),
    ]);
  });

  it('has a 192×192 colour icon and a 32×32 transparent outline icon', () => {
    expect(manifest.icons).toEqual({ color: 'color.png', outline: 'outline.png' });
    expect(pngHeader('color.png')).toMatchObject({ width: 192, height: 192 });
    // Colour type 6 is RGBA: the outline needs an alpha channel to be transparent.
    expect(pngHeader('outline.png')).toEqual({ width: 32, height: 32, colourType: 6 });
  });

  it('packages a zip with exactly the manifest and the two icons, app id filled in', () => {
    const files = unzip(buildTeamsPackage({ MicrosoftAppId: appId, TEAMS_APP_DOMAIN: 'metbot.example.org' }));
    expect([...files.keys()].sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const packed = JSON.parse(files.get('manifest.json')!.toString('utf8'));
    expect(packed.id).toBe(appId);
    expect(packed.bots[0].botId).toBe(appId);
    expect(packed.composeExtensions[0].botId).toBe(appId);
    expect(packed.validDomains).toEqual(['metbot.example.org']);
    expect(files.get('color.png')).toEqual(readFileSync(join(manifestDir, 'color.png')));
  });

  it('runs as npm run package:teams does, and refuses without an app id', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'metbot-teams-')), 'app.zip');
    const script = 'adapters/teams/package-app.ts';
    const env = { PATH: process.env.PATH };
    const ok = spawnSync(process.execPath, ['--import', 'tsx', script, out], {
      env: { ...env, MicrosoftAppId: appId },
      encoding: 'utf8',
    });
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect([...unzip(readFileSync(out)).keys()].sort()).toEqual([
      'color.png',
      'manifest.json',
      'outline.png',
    ]);
    const refused = spawnSync(process.execPath, ['--import', 'tsx', script, out], { env, encoding: 'utf8' });
    expect(refused.status).toBe(1);
    expect(refused.stderr.trim()).toMatch(/^MicrosoftAppId must be set/);
  });
});
