/**
 * Compiled contracts shipped inside npm packages (dev dependencies), read when the devnet starts so a
 * registry install of l2preflight does not download them.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Abi, Hex } from 'viem';
import { DevnetError } from '../errors.js';

/** Parses `path` inside the installed package `name`; a missing package is a clear devnet error. */
export async function packageJson<T>(name: string, path: string): Promise<T> {
  let root: string;
  try {
    root = dirname(createRequire(import.meta.url).resolve(`${name}/package.json`));
  } catch (error) {
    throw new DevnetError(
      `the devnet needs the npm package ${name}`,
      ['run npm ci in the l2preflight checkout'],
      error,
    );
  }
  return JSON.parse(await readFile(join(root, path), 'utf8')) as T;
}

export interface ForgeArtifact {
  abi: Abi;
  bytecode: { object: Hex };
  deployedBytecode: { object: Hex };
}

/** A contract of @eth-optimism/contracts-bedrock, from its shipped forge artifacts. */
export function bedrockArtifact(name: string): Promise<ForgeArtifact> {
  return packageJson(
    '@eth-optimism/contracts-bedrock',
    join('forge-artifacts', `${name}.sol`, `${name}.json`),
  );
}

export interface HardhatArtifact {
  abi: Abi;
  bytecode: Hex;
  deployedBytecode: Hex;
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
