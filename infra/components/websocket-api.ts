/**
 * The API Gateway WebSocket API itself, created first: the functions need its id (for
 * their `@connections` grants and management endpoint) before the routes can point at
 * the functions (WebSocketRoutes).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ChildNames } from "./child-names";
import type { StackNames } from "../naming";
import { ROUTE_SELECTION_EXPRESSION } from "../route-keys";

export interface WebSocketApiArgs {
  names: StackNames;
}

export class WebSocketApi extends pulumi.ComponentResource {
  readonly api: aws.apigatewayv2.Api;
  readonly stageName: string;
  /** wss://{id}.execute-api.{region}.amazonaws.com/{stage} */
  readonly url: pulumi.Output<string>;

  constructor(name: string, args: WebSocketApiArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mta:infra:WebSocketApi", name, {}, opts);
    const child = new ChildNames(this, name, "websocket");
    this.stageName = args.names.stage;
    this.api = new aws.apigatewayv2.Api(
      child.name("api"),
      {
        name: args.names.api,
        protocolType: "WEBSOCKET",
        routeSelectionExpression: ROUTE_SELECTION_EXPRESSION,
      },
      child.opts("api", "api"),
    );
    this.url = pulumi.interpolate`${this.api.apiEndpoint}/${args.names.stage}`;
    this.registerOutputs({ apiId: this.api.id, url: this.url });
  }
}
