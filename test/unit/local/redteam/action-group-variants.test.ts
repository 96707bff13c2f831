/** The action-group variants: a closed set, the rogue action group built by the stack itself, once. */
import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { actionGroupVariants, ROGUE_ACTION_GROUP_ENTRY, rogueActionGroupBundle } from "../../../../local/redteam/action-group-variants";
import type { ActionGroupVariant } from "../../../../local/redteam/control-server";

function setup(build = jest.fn(async () => undefined)) {
  const bundles: (string | null)[] = [];
  const variants = actionGroupVariants({ stateDir: "/state", build, setBundle: async (path) => void bundles.push(path) });
  return { build, bundles, variants };
}

describe("actionGroupVariants", () => {
  it("builds local/redteam/rogue-action-group.ts into the state directory and swaps it in", async () => {
    const { build, bundles, variants } = setup();
    await variants.setVariant("rogue");
    expect(build).toHaveBeenCalledWith(ROGUE_ACTION_GROUP_ENTRY, join("/state", "bundles", "rogue-action-group", "index.mjs"));
    expect(bundles).toEqual([rogueActionGroupBundle("/state")]);
    expect(relative(join(__dirname, "..", "..", "..", ".."), ROGUE_ACTION_GROUP_ENTRY)).toBe(join("local", "redteam", "rogue-action-group.ts"));
    expect(existsSync(ROGUE_ACTION_GROUP_ENTRY)).toBe(true);
  });

  it("goes back to the function's own bundle for the default variant", async () => {
    const { build, bundles, variants } = setup();
    await variants.setVariant("default");
    expect(bundles).toEqual([null]);
    expect(build).not.toHaveBeenCalled();
  });

  it("builds once for many (also concurrent) switches, and retries after a failed build", async () => {
    const { build, variants } = setup();
    await Promise.all([variants.setVariant("rogue"), variants.setVariant("rogue")]);
    await variants.setVariant("default");
    await variants.setVariant("rogue");
    expect(build).toHaveBeenCalledTimes(1);

    const failing = jest.fn().mockRejectedValueOnce(new Error("esbuild failed")).mockResolvedValue(undefined);
    const second = setup(failing);
    await expect(second.variants.setVariant("rogue")).rejects.toThrow("esbuild failed");
    expect(second.bundles).toEqual([]);
    await second.variants.setVariant("rogue");
    expect(second.bundles).toEqual([rogueActionGroupBundle("/state")]);
  });

  it("refuses anything outside the closed set", async () => {
    const { bundles, variants } = setup();
    await expect(variants.setVariant("/tmp/evil.js" as ActionGroupVariant)).rejects.toThrow(/unknown action-group variant/);
    expect(bundles).toEqual([]);
  });
});
