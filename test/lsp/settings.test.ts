// dmabuf.kernelProfile follows the profile table: package.json's enum and descriptions are the
// server's KERNEL_PROFILE_SETTING, and the server reads only profiles of the table.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { KERNEL_PROFILE_SETTING, normaliseSettings } from '../../server/src/lsp/settings';
import { KERNEL_VERSIONS, MAINLINE } from '../../server/src/language/profiles';

const REPO = path.resolve(__dirname, '..', '..');

test('package.json offers auto, every profile of the table and mainline for dmabuf.kernelProfile', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
  const setting = pkg.contributes.configuration.properties['dmabuf.kernelProfile'];
  assert.deepEqual(setting.enum, KERNEL_PROFILE_SETTING.enum, 'regenerate the enum from KERNEL_PROFILE_SETTING (server/src/lsp/settings.ts)');
  assert.deepEqual(setting.enumDescriptions, KERNEL_PROFILE_SETTING.enumDescriptions);
  assert.deepEqual(KERNEL_PROFILE_SETTING.enum, ['auto', ...KERNEL_VERSIONS, 'mainline']);
  assert.match(setting.markdownDescription, new RegExp(`newest modelled profile \\(${MAINLINE.replace('.', '\\.')} today\\)`));
});

test('the server reads a profile of the table, mainline as the newest, anything else as auto', () => {
  for (const v of KERNEL_VERSIONS) assert.equal(normaliseSettings({ kernelProfile: v }).kernelProfile, v);
  assert.equal(normaliseSettings({ kernelProfile: 'mainline' }).kernelProfile, MAINLINE);
  for (const bad of ['5.10', '6.16', 6.1, '', null, '6.1..7.1']) assert.equal(normaliseSettings({ kernelProfile: bad }).kernelProfile, 'auto', String(bad));
});
