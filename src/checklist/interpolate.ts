/**
 * `${VAR}` and `${VAR:-default}` from the environment. An unset or empty variable without a default is
 * an error naming it: an empty string must never reach the network.
 */
export class MissingVariableError extends Error {
  constructor(readonly variable: string) {
    super(`environment variable ${variable} is not set (and has no default)`);
  }
}

const PATTERN = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** `substituted` hears each variable taken from the environment (not a default written in the file). */
export function interpolate(
  text: string,
  env: Record<string, string | undefined>,
  substituted?: (name: string, value: string) => void,
): string {
  return text.replace(PATTERN, (_match, name: string, fallback: string | undefined) => {
    const value = env[name];
    if (value !== undefined && value !== '') {
      substituted?.(name, value);
      return value;
    }
    if (fallback !== undefined) return fallback;
    throw new MissingVariableError(name);
  });
}

export function hasInterpolation(text: string): boolean {
  return text.includes('${');
}
