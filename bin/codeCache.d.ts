// The helpers src/ shares with the launcher's code cache (bin/codeCache.js is plain JavaScript, run
// before any bundle loads); esbuild bundles that file into dist/ for the code that imports it.
export function cacheDirectory(): string;
export function trusted(directory: string): boolean;
export function makeDirectory(directory: string): void;
export function verified(file: string): Buffer | undefined;
export function store(directory: string, name: string, prefix: string, data: Buffer, keep?: number): void;
export function compileCached(bundle: string, command: string): () => void;
