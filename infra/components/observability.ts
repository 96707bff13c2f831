/**
 * The stage's observability on AWS: one CloudWatch dashboard with a row of widgets per
 * tenant, and, when the stack sets `alarms`, one alarm per tenant and token budget at a
 * share of it (the pure definitions are infra/dashboard.ts). Both read the chat
 * function's per-tenant EMF metrics; nothing here touches tenant data.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { budgetAlarms, dashboardBody, type DashboardTenant } from "../dashboard";
import type { StackNames } from "../naming";
import { tenantTags } from "../tags";
import { ChildNames } from "./child-names";

export interface ObservabilityArgs {
  names: StackNames;
  region: pulumi.Input<string>;
  tenants: readonly DashboardTenant[];
  alarms?: { budgetShare: number; snsTopicArn?: string };
}

export class Observability extends pulumi.ComponentResource {
  readonly dashboard: aws.cloudwatch.Dashboard;
  readonly alarms: aws.cloudwatch.MetricAlarm[];

  constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mta:infra:Observability", name, {}, opts);
    const child = new ChildNames(this, name, "observability");
    const namespace = args.names.metricsNamespace;
    this.dashboard = new aws.cloudwatch.Dashboard(
      child.name("dashboard"),
      {
        dashboardName: args.names.dashboard,
        dashboardBody: pulumi
          .output(args.region)
          .apply((region) => JSON.stringify(dashboardBody({ namespace, region, tenants: args.tenants, budgetShare: args.alarms?.budgetShare }))),
      },
      child.opts("dashboard", "dashboard"),
    );
    const alarms = args.alarms;
    this.alarms = alarms
      ? budgetAlarms({ namespace, prefix: args.names.prefix, tenants: args.tenants, budgetShare: alarms.budgetShare }).map(
          (alarm) =>
            new aws.cloudwatch.MetricAlarm(
              child.name(`budget-${alarm.tenantId}-${alarm.limit}`),
              {
                name: alarm.alarmName,
                alarmDescription: alarm.description,
                comparisonOperator: "GreaterThanOrEqualToThreshold",
                threshold: alarm.threshold,
                evaluationPeriods: 1,
                datapointsToAlarm: 1,
                // No tokens in the window is no spending, not an unknown state.
                treatMissingData: "notBreaching",
                metricQueries: alarm.metricQueries,
                ...(alarms.snsTopicArn ? { alarmActions: [alarms.snsTopicArn], okActions: [alarms.snsTopicArn] } : {}),
                // Per-tenant: the tenant tag (cost allocation, tags.ts).
                tags: tenantTags(alarm.tenantId),
              },
              child.opts(`budget-${alarm.tenantId}-${alarm.limit}`, `budget-${alarm.tenantId}-${alarm.limit}`),
            ),
        )
      : [];
    this.registerOutputs({ dashboardName: this.dashboard.dashboardName });
  }
}
