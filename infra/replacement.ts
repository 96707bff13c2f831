/**
 * Updates that replace a resource must not fail on the resource's own name. A resource
 * with a fixed physical name (a table, role, function, log group, user, …) is replaced by
 * creating the new one first by default, which AWS refuses while the old one still holds
 * the name. So every resource with an explicit name is deleted before it is replaced.
 * (Deletion protection, when set, still stops a table or the user pool from being
 * deleted: the update then fails safely instead of losing data.)
 *
 * The Cognito user is also replaced, not updated, when its attributes change: moving a
 * user to another tenant changes the immutable `custom:tenantId` (I7), which Cognito
 * refuses to update in place (components/identity.ts sets that).
 */
import * as pulumi from "@pulumi/pulumi";

/** Input properties that carry a resource's physical name, by the providers' naming. */
export const PHYSICAL_NAME_PROPERTIES = ["name", "username", "agentName", "aliasName", "vectorBucketName", "indexName"] as const;

/** Pure: whether a resource's inputs fix its physical name. */
export function hasFixedName(props: Record<string, unknown>): boolean {
  return PHYSICAL_NAME_PROPERTIES.some((key) => props[key] !== undefined);
}

/** Stack transformation: named custom resources are deleted before they are replaced. */
export function deleteNamedBeforeReplace(args: pulumi.ResourceTransformationArgs): pulumi.ResourceTransformationResult | undefined {
  if (!(args.resource instanceof pulumi.CustomResource) || !hasFixedName(args.props)) return undefined;
  return { props: args.props, opts: pulumi.mergeOptions(args.opts, { deleteBeforeReplace: true }) };
}
