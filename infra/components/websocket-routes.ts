/**
 * Routes of the WebSocket API: the Lambda REQUEST authorizer on `$connect` only (API
 * Gateway runs authorizers only there; later frames are bound to the authorized
 * connection), every route proxied to the chat function, the frame routes (`ask`,
 * `$default`) two-way with a route response (the function's returned body is the reply,
 * infra/route-keys.ts), and the stage with throttling
 * (a stricter one on `ask`, the route that starts costly answers) and, when the stack turns
 * them on, token-free access logs (I8). Execution logging stays off (it needs the same
 * account role, and data tracing would log prompts); metrics need no role.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ChildNames } from "./child-names";
import { accessLogFormat } from "../access-log-format";
import type { ThrottleConfig } from "../config";
import type { StackNames } from "../naming";
import { AUTHORIZER_IDENTITY_SOURCES, ROUTE_KEYS, ROUTE_RESPONSE_KEY, TWO_WAY_ROUTE_KEYS } from "../route-keys";
import type { WebSocketApi } from "./websocket-api";

/** The browser offers [APP_PROTOCOL, <ID token>] as subprotocols: the only place a browser can put it. */

export interface WebSocketRoutesArgs {
  api: WebSocketApi;
  names: StackNames;
  authorizerFunction: aws.lambda.Function;
  chatFunction: aws.lambda.Function;
  throttle: ThrottleConfig;
  /**
   * The `ask` route's own limits: every accepted ask starts an answer step of up to 300 s,
   * so asks may not use the stage's whole budget (pings and connects keep working).
   */
  askThrottle: ThrottleConfig;
  logRetentionDays: number;
  /**
   * Access logs or none (config `accessLogs`). `after`: the account-level CloudWatch Logs
   * role setting the stage must wait for, when this program manages it
   * (components/api-gateway-account.ts); otherwise it must be set already (docs/deploy.md).
   */
  accessLogs: { enabled: false } | { enabled: true; after?: pulumi.Resource };
}

export class WebSocketRoutes extends pulumi.ComponentResource {
  readonly stage: aws.apigatewayv2.Stage;
  readonly accessLogGroup?: aws.cloudwatch.LogGroup;

  constructor(name: string, args: WebSocketRoutesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mta:infra:WebSocketRoutes", name, {}, opts);
    const child = new ChildNames(this, name, "websocket-routes");
    const { api } = args.api;
    const stageName = args.api.stageName;

    const authorizer = new aws.apigatewayv2.Authorizer(
      child.name("jwt-authorizer"),
      {
        apiId: api.id,
        name: args.names.authorizer,
        authorizerType: "REQUEST",
        authorizerUri: args.authorizerFunction.invokeArn,
        identitySources: AUTHORIZER_IDENTITY_SOURCES,
      },
      child.opts("jwt-authorizer", "jwt-authorizer"),
    );
    new aws.lambda.Permission(
      child.name("apigateway-invokes-authorizer"),
      {
        action: "lambda:InvokeFunction",
        function: args.authorizerFunction.name,
        principal: "apigateway.amazonaws.com",
        sourceArn: pulumi.interpolate`${api.executionArn}/authorizers/${authorizer.id}`,
      },
      child.opts("apigateway-invokes-authorizer", "apigateway-invokes-authorizer"),
    );

    const integration = new aws.apigatewayv2.Integration(
      child.name("chat"),
      {
        apiId: api.id,
        integrationType: "AWS_PROXY",
        integrationMethod: "POST",
        integrationUri: args.chatFunction.invokeArn,
        contentHandlingStrategy: "CONVERT_TO_TEXT",
      },
      child.opts("chat", "chat"),
    );
    new aws.lambda.Permission(
      child.name("apigateway-invokes-chat"),
      {
        action: "lambda:InvokeFunction",
        function: args.chatFunction.name,
        principal: "apigateway.amazonaws.com",
        sourceArn: pulumi.interpolate`${api.executionArn}/${stageName}/*`,
      },
      child.opts("apigateway-invokes-chat", "apigateway-invokes-chat"),
    );

    const routes = ROUTE_KEYS.map((routeKey) => {
      const suffix = routeKey.replace("$", "");
      const twoWay = TWO_WAY_ROUTE_KEYS.includes(routeKey);
      const route = new aws.apigatewayv2.Route(
        child.name(`route-${suffix}`),
        {
          apiId: api.id,
          routeKey,
          target: pulumi.interpolate`integrations/${integration.id}`,
          ...(routeKey === "$connect"
            ? { authorizationType: "CUSTOM", authorizerId: authorizer.id }
            : { authorizationType: "NONE" }),
          // Two-way (route-keys.ts): the chat function's returned body is the frame's reply.
          ...(twoWay ? { routeResponseSelectionExpression: ROUTE_RESPONSE_KEY } : {}),
        },
        child.opts(`route-${suffix}`, `route-${suffix}`),
      );
      const response = twoWay
        ? new aws.apigatewayv2.RouteResponse(
            child.name(`route-response-${suffix}`),
            { apiId: api.id, routeId: route.id, routeResponseKey: ROUTE_RESPONSE_KEY },
            child.opts(`route-response-${suffix}`, `route-response-${suffix}`),
          )
        : undefined;
      return response ? [route, response] : [route];
    }).flat();

    const accessLogGroup = args.accessLogs.enabled
      ? new aws.cloudwatch.LogGroup(
          child.name("access-logs"),
          { name: pulumi.interpolate`/aws/apigateway/${api.name}/${stageName}`, retentionInDays: args.logRetentionDays },
          child.opts("access-logs", "access-logs"),
        )
      : undefined;
    this.accessLogGroup = accessLogGroup;
    const accountSetting = args.accessLogs.enabled && args.accessLogs.after ? [args.accessLogs.after] : [];

    this.stage = new aws.apigatewayv2.Stage(
      child.name("stage"),
      {
        apiId: api.id,
        name: stageName,
        autoDeploy: true,
        defaultRouteSettings: {
          throttlingBurstLimit: args.throttle.burstLimit,
          throttlingRateLimit: args.throttle.rateLimit,
          // Data tracing would log message bodies (prompts): never.
          dataTraceEnabled: false,
          detailedMetricsEnabled: true,
        },
        routeSettings: [
          {
            routeKey: "ask",
            throttlingBurstLimit: args.askThrottle.burstLimit,
            throttlingRateLimit: args.askThrottle.rateLimit,
            dataTraceEnabled: false,
            detailedMetricsEnabled: true,
          },
        ],
        ...(accessLogGroup ? { accessLogSettings: { destinationArn: accessLogGroup.arn, format: accessLogFormat() } } : {}),
      },
      // The first automatic deployment must already contain every route; a stage with access
      // logs is refused until the account's CloudWatch Logs role is set.
      child.opts("stage", "stage", { dependsOn: [...routes, ...accountSetting] }),
    );

    this.registerOutputs({ stageName: this.stage.name });
  }
}
