/**
 * infra/components/observability.ts under Pulumi mocks: the dashboard's name and body, and
 * budget alarms only when the stack sets `alarms` (with the SNS topic when given).
 */
import * as pulumi from "@pulumi/pulumi";
import { stackNames } from "../../../../infra/naming";
import { installMocks, MOCK_REGION, settled, type RecordedResource } from "../pulumi-mocks";

const names = stackNames("multi-tenant-assistant", "dev", MOCK_REGION);
const TENANTS = [
  { id: "tenant1", displayName: "Tenant One", budget: { dailyTokens: 1000 } },
  { id: "tenant2", displayName: "Tenant Two" },
];
const TOPIC = "arn:aws:sns:eu-west-1:123456789012:budget-alerts";
let resources: RecordedResource[];

beforeAll(async () => {
  resources = await installMocks("multi-tenant-assistant", "dev");
  const { Observability } = await import("../../../../infra/components/observability");
  new Observability("with-alarms", { names, region: pulumi.output(MOCK_REGION), tenants: TENANTS, alarms: { budgetShare: 0.75, snsTopicArn: TOPIC } });
  await settled(resources);
});

const ofType = (type: string) => resources.filter((r) => r.type === type);

describe("Observability", () => {
  it("creates the stage's dashboard with a row per tenant in the stack's Region", () => {
    const [dashboard] = ofType("aws:cloudwatch/dashboard:Dashboard");
    expect(dashboard.inputs.dashboardName).toBe(names.dashboard);
    const body = JSON.parse(dashboard.inputs.dashboardBody);
    const titles = body.widgets.map((w: { properties: { title?: string } }) => w.properties.title).filter(Boolean);
    expect(titles.filter((t: string) => t.startsWith("tenant1:"))).toHaveLength(4);
    expect(titles.filter((t: string) => t.startsWith("tenant2:"))).toHaveLength(4);
    expect(JSON.stringify(body)).toContain(`"region":"${MOCK_REGION}"`);
  });

  it("creates one alarm per tenant budget, at the share, notifying the topic", () => {
    const alarms = ofType("aws:cloudwatch/metricAlarm:MetricAlarm");
    expect(alarms).toHaveLength(1);
    expect(alarms[0].inputs).toMatchObject({
      name: `${names.prefix}-tenant1-daily-budget`,
      threshold: 750,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      evaluationPeriods: 1,
      treatMissingData: "notBreaching",
      alarmActions: [TOPIC],
    });
  });
});
