/**
 * Names of a component's children: `<component>-<suffix>`. A child's URN holds its parent's
 * TYPE, not its name, so unprefixed children of two instances of one component collide;
 * prefixed, a component can be used twice in a program.
 *
 * State: before this, the program's own instances named their children without the
 * prefix. The instance whose name is `legacyName` (the name index.ts gives it) aliases each
 * child to that earlier name, so `pulumi up` on an existing stack renames in place instead of
 * replacing (a named table or role could not be re-created under its own name). Only that
 * instance aliases, so two instances never claim one alias.
 */
import type * as pulumi from "@pulumi/pulumi";

export class ChildNames {
  constructor(
    private readonly parent: pulumi.Resource,
    private readonly component: string,
    private readonly legacyName: string,
  ) {}

  /** `<component>-<suffix>`; the component's own name for its main child (no suffix). */
  name(suffix?: string): string {
    return suffix ? `${this.component}-${suffix}` : this.component;
  }

  /** `{ parent, aliases }` for the child, plus any other options. */
  opts<T extends pulumi.CustomResourceOptions>(suffix: string | undefined, previous: string, extra?: T): T & pulumi.CustomResourceOptions {
    const name = this.name(suffix);
    const aliases = this.component === this.legacyName && name !== previous ? [{ name: previous }] : [];
    return { ...(extra ?? ({} as T)), parent: this.parent, ...(aliases.length > 0 ? { aliases } : {}) };
  }
}
