// The Metering function: one MeteringJob run per EventBridge schedule tick (MeteringFunction.HandleAsync).
using Microsoft.Extensions.Logging;
using Onboarding.Aws.AwsJson;
using Onboarding.Aws.DynamoDb;
using Onboarding.Aws.Marketplace;
using Onboarding.Aws.Metering;
using Onboarding.Aws.MeteringLedger;
using Onboarding.Core.Observability;
using Onboarding.Lambda.Events;
using Onboarding.Lambda.Runtime;
using Onboarding.Metering;

using var logging = FunctionLogging.Create(Environment.GetEnvironmentVariable(FunctionLogging.LogLevelVariable));
MeteringFunction? function = null;
using var bootstrap = LambdaBootstrapBuilder.Create<ScheduledEvent>(
        async (trigger, context) =>
        {
            // Stop sending a little before Lambda's deadline: unsent entries stay Pending for the next run.
            using var deadline = new CancellationTokenSource(MeteringFunction.TimeBudget(context.RemainingTime));
            await function!.HandleAsync(trigger, deadline.Token);
        },
        new SourceGeneratorLambdaJsonSerializer<MeteringJsonContext>())
    .UseInitializer(() =>
    {
        var settings = MeteringSettings.FromEnvironment(Environment.GetEnvironmentVariable);
        var dynamo = DynamoDbClientFactory.Create(Environment.GetEnvironmentVariable);
        var tables = new SubscriberTableOptions { SubscribersTable = settings.SubscribersTable };
        function = new MeteringFunction(
            new MeteringJob(
                new DynamoDbMeteringLedger(dynamo, new MeteringLedgerOptions { TableName = settings.LedgerTable }),
                new AmazonAWSMarketplaceMeteringClient(new AwsJsonClientOptions()),
                settings.Dimensions,
                settings.Window),
            new SubscriberMeteredSubscriptions(new DynamoDbSubscriberStore(dynamo, tables), settings.ProductCode),
            settings.Window,
            TimeProvider.System,
            logging.CreateLogger<MeteringFunction>(),
            EmbeddedMetrics.ToStdout("metering"));
        return Task.CompletedTask;
    })
    .UseLogger(logging.CreateLogger("Onboarding.Metering.Runtime"))
    .Build();
await bootstrap.RunAsync();
