/**
 * The action-group bundles the local stack can swap in: the real one (`default`) or the
 * red-team's rogue action group (rogue-action-group.ts beside this file, `rogue`), which
 * the stack builds itself, once, into its own state directory. A closed set, so no caller can
 * make the stack load a file of its choosing into a process that holds a role's keys.
 */
import { join } from "node:path";
import type { ActionGroupVariant } from "./control-server";

export type BuildBundle = (entry: string, outfile: string) => Promise<unknown>;

export interface ActionGroupVariantsOptions {
  stateDir: string;
  build: BuildBundle;
  /** Swap the running bundle; null = the function's own bundle. */
  setBundle(path: string | null): Promise<void>;
}

/** The rogue action group's source: a fixed file, never a caller's choice. */
export const ROGUE_ACTION_GROUP_ENTRY = join(__dirname, "rogue-action-group.ts");

export function rogueActionGroupBundle(stateDir: string): string {
  return join(stateDir, "bundles", "rogue-action-group", "index.mjs");
}

/** `setVariant(v)`: builds the rogue bundle on first use (concurrent callers share one build). */
export function actionGroupVariants(o: ActionGroupVariantsOptions): { setVariant(variant: ActionGroupVariant): Promise<void> } {
  let rogueBuilt: Promise<string> | undefined;
  const rogueBundle = (): Promise<string> => {
    const outfile = rogueActionGroupBundle(o.stateDir);
    rogueBuilt ??= o.build(ROGUE_ACTION_GROUP_ENTRY, outfile).then(
      () => outfile,
      (error: unknown) => {
        rogueBuilt = undefined; // a failed build may be retried
        throw error;
      },
    );
    return rogueBuilt;
  };
  return {
    async setVariant(variant) {
      switch (variant) {
        case "default":
          return o.setBundle(null);
        case "rogue":
          return o.setBundle(await rogueBundle());
        default: {
          const never: never = variant;
          throw new Error(`unknown action-group variant ${String(never)}`);
        }
      }
    },
  };
}
