using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Onboarding.Api.Onboarding;
using Onboarding.Aws.DynamoDb;
using Onboarding.Aws.Lifecycle;
using Onboarding.Core.Metering;
using Onboarding.Enrichment;
using Onboarding.Lambda.Runtime;
using Onboarding.Lifecycle;
using Onboarding.Metering;

namespace Onboarding.IntegrationTests.Template;

/// <summary>
/// Each function's start-up configuration, run the way its entry point runs it but against a given environment and
/// without touching the network: the settings are read and validated, and every variable the code asks for is recorded.
/// Throws what the function would throw at start.
/// </summary>
public static class FunctionStartup
{
    /// <summary>The builder calls of functions/Onboarding.Api/Program.cs that <see cref="Run"/> repeats for the API.</summary>
    public static readonly string[] ApiBuilderCalls = ["Services.AddAWSLambdaHosting", "AddApiDefaults", "AddOnboarding", "AddFinance"];

    /// <summary>Starts the function's configuration; returns the names of the variables it read.</summary>
    public static IReadOnlySet<string> Run(string functionId, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var asked = new HashSet<string>(StringComparer.Ordinal);
        string? Read(string name)
        {
            asked.Add(name);
            return environment.GetValueOrDefault(name);
        }

        if (functionId != "ApiFunction")
        {
            // Each console function's Program.cs starts with FunctionLogging.Create(LOG_LEVEL).
            Read(FunctionLogging.LogLevelVariable);
        }

        switch (functionId)
        {
            case "MeteringFunction":
                // functions/Onboarding.Metering/Program.cs
                MeteringSettings.FromEnvironment(Read);
                ReadDynamoDbClientSettings(Read);
                break;
            case "LifecycleFunction":
                // functions/Onboarding.Lifecycle/Program.cs and LifecycleComposition
                LifecycleSettings.FromEnvironment(Read);
                ReadDynamoDbClientSettings(Read);
                Read(SqsDeadLetterNotifications.QueueUrlVariable);
                break;
            case "EnrichmentFunction":
                // functions/Onboarding.Enrichment: EnrichmentSettings is the whole of its start-up configuration.
                EnrichmentSettings.FromEnvironment(Read);
                break;
            case "ApiFunction":
                RunApi(environment, asked);
                break;
            default:
                throw new ArgumentException($"no start-up known for {functionId}", nameof(functionId));
        }

        return asked;
    }

    /// <summary>What DynamoDbClientFactory.Create reads, without building an SDK client (which would look for credentials).</summary>
    private static void ReadDynamoDbClientSettings(Func<string, string?> read)
    {
        DynamoDbClientFactory.EndpointOverride(read);
        DynamoDbClientFactory.SigningRegion(read);
    }

    private static void RunApi(IReadOnlyDictionary<string, string> environment, HashSet<string> asked)
    {
        var builder = WebApplication.CreateSlimBuilder();
        // Only what Lambda would pass: nothing from this test process's own environment.
        builder.Configuration.Sources.Clear();
        ((IConfigurationBuilder)builder.Configuration).Add(new RecordingSource(environment, asked));
        builder.AddApiDefaults();
        builder.AddOnboarding();
        builder.AddFinance();
        // A client that never needs credentials: building the SDK's default one would look for them.
        builder.Services.AddSingleton<IAmazonDynamoDB>(new AmazonDynamoDBClient(
            new AnonymousAWSCredentials(), new AmazonDynamoDBConfig { ServiceURL = "http://127.0.0.1:9", AuthenticationRegion = "us-east-1" }));
        using var services = builder.Services.BuildServiceProvider();
        // What app.Run() checks first: every ValidateOnStart options, then the finance view's ledger reader.
        services.GetRequiredService<IStartupValidator>().Validate();
        services.GetRequiredService<IMeteringLedgerReader>();
    }

    private sealed class RecordingSource(IReadOnlyDictionary<string, string> environment, HashSet<string> asked) : IConfigurationSource
    {
        public IConfigurationProvider Build(IConfigurationBuilder builder) => new RecordingProvider(environment, asked);
    }

    private sealed class RecordingProvider : ConfigurationProvider
    {
        private readonly HashSet<string> asked;

        public RecordingProvider(IReadOnlyDictionary<string, string> environment, HashSet<string> asked)
        {
            this.asked = asked;
            foreach (var (name, value) in environment)
            {
                Data[name] = value;
            }
        }

        public override bool TryGet(string key, out string? value)
        {
            asked.Add(key);
            return base.TryGet(key, out value);
        }
    }
}
