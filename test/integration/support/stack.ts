/** The stack under test: the outputs that the global setup (or the caller) named in STACK_OUTPUTS. */
import { loadStackOutputs, resolveOutputsPath, type StackOutputs } from "../../../scripts/stack-outputs";

let cached: StackOutputs | undefined;

export function stackOutputs(): StackOutputs {
  cached ??= loadStackOutputs(resolveOutputsPath());
  return cached;
}

/** True when the stack is the local one (test controls and admin keys available). */
export function isLocalStack(outputs: StackOutputs = stackOutputs()): boolean {
  return outputs.endpoints?.control !== undefined;
}
