/**
 * The API Gateway WebSocket API itself, created first: the functions need its id (for
 * their `@connections` grants and management endpoint) before the routes can point at
 * the functions (WebSocketRoutes).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ROUTE_SELECTION_EXPRESSION } from "../route-keys";

export interface WebSocketApiArgs {
  namePrefix: string;
  stage: string;
}

export class WebSocketApi extends pulumi.ComponentResource {
  readonly api: aws.apigatewayv2.Api;
  readonly stageName: string;
  /** wss://{id}.execute-api.{region}.amazonaws.com/{stage} */
  readonly url: pulumi.Output<string>;

  constructor(name: string, args: WebSocketApiArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mta:infra:WebSocketApi", name, {}, opts);
    this.stageName = args.stage;
    this.api = new aws.apigatewayv2.Api(
      "api",
      {
        name: `${args.namePrefix}-ws`,
        protocolType: "WEBSOCKET",
        routeSelectionExpression: ROUTE_SELECTION_EXPRESSION,
      },
      { parent: this },
    );
    this.url = pulumi.interpolate`${this.api.apiEndpoint}/${args.stage}`;
    this.registerOutputs({ apiId: this.api.id, url: this.url });
  }
}
