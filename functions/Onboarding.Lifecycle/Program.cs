// The Lifecycle function: SNS-via-SQS notifications and EventBridge agreement events, one handler (LifecycleFunction).
using Microsoft.Extensions.Logging;
using Onboarding.Lambda.Events;
using Onboarding.Lambda.Runtime;
using Onboarding.Lifecycle;
using System.Text.Json;

using var logging = FunctionLogging.Create(Environment.GetEnvironmentVariable(FunctionLogging.LogLevelVariable));
LifecycleFunction? function = null;
using var bootstrap = LambdaBootstrapBuilder.Create<JsonElement, SQSBatchResponse?>(
        (input, context) => function!.HandleAsync(input, context),
        new SourceGeneratorLambdaJsonSerializer<LifecycleJsonContext>())
    .UseInitializer(async () => function = await LifecycleComposition.BuildAsync(
        LifecycleSettings.FromEnvironment(Environment.GetEnvironmentVariable), logging, CancellationToken.None))
    .UseLogger(logging.CreateLogger("Onboarding.Lifecycle.Runtime"))
    .Build();
await bootstrap.RunAsync();
