/**
 * Compiled contracts of npm packages (dev dependencies of the checkout), copied at build into the
 * package's artifacts/ folder by scripts/vendor-artifacts.mjs, trimmed to what the devnet reads. They
 * ship in the tarball, so a registry install of l2preflight runs the devnet without those packages.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Abi, Hex } from 'viem';
import { packageRoot } from '../core/packageRoot.js';
import { DevnetError } from '../errors.js';

/** Parses the copy of `path` inside the package `name`; a missing copy is a clear devnet error. */
export async function packageJson<T>(name: string, path: string): Promise<T> {
  const file = join(packageRoot(), 'artifacts', name, path);
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch (error) {
    throw new DevnetError(
      `the devnet's compiled contracts are missing from this installation (${name}: ${path})`,
      [
        'in a checkout: run npm run build (it copies them from the dev dependencies into artifacts/)',
        'from the registry: reinstall l2preflight',
      ],
      error,
    );
  }
}

export interface ForgeArtifact {
  abi: Abi;
  bytecode: { object: Hex };
}

/** A contract of @eth-optimism/contracts-bedrock, from its shipped forge artifacts. */
export function bedrockArtifact(name: string): Promise<ForgeArtifact> {
  return packageJson(
    '@eth-optimism/contracts-bedrock',
    join('forge-artifacts', `${name}.sol`, `${name}.json`),
  );
}

/** The runtime code of an OP Stack L2 predeploy, for anvil_setCode (only predeploys keep it). */
export async function bedrockPredeployCode(name: string): Promise<Hex> {
  const artifact = await packageJson<{ deployedBytecode?: { object: Hex } }>(
    '@eth-optimism/contracts-bedrock',
    join('forge-artifacts', `${name}.sol`, `${name}.json`),
  );
  if (!artifact.deployedBytecode) {
    throw new DevnetError(
      `${name} is not a predeploy: scripts/vendor-artifacts.mjs kept no runtime code for it`,
    );
  }
  return artifact.deployedBytecode.object;
}

export interface HardhatArtifact {
  abi: Abi;
  bytecode: Hex;
}

/**
 * A contract of @arbitrum/nitro-contracts, from its shipped hardhat artifacts; `path` is the source
 * under src/ without `.sol`, e.g. `rollup/RollupCreator`.
 */
export function nitroArtifact(path: string): Promise<HardhatArtifact> {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return packageJson(
    '@arbitrum/nitro-contracts',
    join('build', 'contracts', 'src', `${path}.sol`, `${name}.json`),
  );
}
