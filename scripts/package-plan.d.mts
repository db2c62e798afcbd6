// Types of scripts/package-plan.mjs for the TypeScript tests that import it.
export type ElectronBinary = { readonly path: string } | { readonly reason: string };

export declare function electronBinary(
  resolveElectron: () => unknown,
  exists: (path: string) => boolean,
): ElectronBinary;

export declare function missingElectronMessage(reason: string): string;

export declare function builderArgs(
  platform: string,
  extraArgs: readonly string[],
  electronDist?: string,
): string[];
