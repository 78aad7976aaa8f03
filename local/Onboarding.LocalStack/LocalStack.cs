using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Onboarding.Aws.DynamoDb;
using Onboarding.Aws.Kafka;
using Onboarding.Aws.MeteringLedger;
using Onboarding.Aws.ReferencePrices;
using Onboarding.Lambda.Testing;
using Onboarding.LocalServers;
using Onboarding.LocalStack.SampleData;

namespace Onboarding.LocalStack;

/// <summary>
/// Starts every dependency and every service of the product on 127.0.0.1, each after the one it needs is ready
/// (the shape of eShop's AppHost, without containers), and stops them in reverse order.
/// Functions run as their own processes, as on AWS: the API on Kestrel, the enrichment function behind the local
/// poller that stands in for the MSK event source mapping, the metering function behind a Runtime API emulator that a
/// one-minute timer invokes with a scheduled event, and the lifecycle function behind another that receives the
/// simulator's subscription notifications.
/// </summary>
public sealed class LocalStack(TextWriter log) : IAsyncDisposable
{
    public const string ProductCode = "sim-rtfeed-payg";
    public const string FinanceApiKey = "local-finance-key";
    public static readonly string[] RawTopics = ["bars.1m.us", "trades.us", "quotes.us"];

    private const int Partitions = 6;
    private const string SubscribersTable = "local-subscribers";
    private const string OnboardingTable = "local-onboarding";
    private const string LedgerTable = "local-metering-ledger";
    private const string ReferenceTable = "local-reference-prices";
    private const string SecretPrefix = "marketplace-feed/subscribers/";
    private const string MeteringDimensions = """{"default":"consumer_hours"}""";

    private readonly List<IAsyncDisposable> started = [];
    private MotoServer? moto;
    private MockKafkaCluster? kafka;
    private SampleProducer? producer;
    private RuntimeApiEmulator? meteringRuntime;
    private RuntimeApiEmulator? lifecycleRuntime;
    private string caArn = "";
    private int replayed;

    public Uri ApiUrl { get; } = new($"http://127.0.0.1:{LoopbackPorts.PreferredOrFree(5080)}/");

    public Uri SimulatorUrl { get; } = new($"http://127.0.0.1:{LoopbackPorts.PreferredOrFree(5090)}/");

    public string Bootstrap => kafka?.BootstrapServers ?? "";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        log.WriteLine("Starting moto_server (DynamoDB, ACM PCA, Secrets Manager) ...");
        moto = await MotoServer.StartAsync(cancellationToken);
        await CreateTablesAsync(moto.Endpoint, cancellationToken);
        (caArn, _) = await MotoCertificateAuthority.CreateActiveRootAsync(moto.Endpoint, "Local market-data feed CA", cancellationToken);

        log.WriteLine("Starting the mock Kafka cluster ...");
        Librdkafka.EnsureLoaded();
        kafka = MockKafkaCluster.Start(brokers: 3);
        foreach (var topic in RawTopics)
        {
            kafka.CreateTopic(topic, Partitions);
            kafka.CreateTopic(topic + ".enriched", Partitions);
            kafka.CreateTopic(topic + ".dlq", 1);
        }

        log.WriteLine("Starting the Marketplace simulator ...");
        var simulator = Track(ChildProcess.Start("simulator", "Marketplace.Simulator", new Dictionary<string, string>
        {
            ["Simulator__LandingUrl"] = ApiUrl.ToString(),
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
        }, log, "--urls", SimulatorUrl.ToString().TrimEnd('/')));
        await simulator.WaitUntilAnswersAsync(SimulatorUrl, cancellationToken);

        log.WriteLine("Starting the API (landing page, registration, finance view) ...");
        var api = Track(ChildProcess.Start("api", "Onboarding.Api", FunctionEnvironment("api", new Dictionary<string, string>
        {
            ["FINANCE_API_KEY"] = FinanceApiKey,
            // The mock cluster has no ACL API: the API keeps the ACL plan in memory and logs it.
            ["KAFKA_ACLS"] = "in-memory",
        }), log, "--urls", ApiUrl.ToString().TrimEnd('/')));
        await api.WaitUntilAnswersAsync(new Uri(ApiUrl, "health"), cancellationToken);

        log.WriteLine("Starting the enrichment function behind the local MSK poller ...");
        Track(ChildProcess.Start("enrichment", "Onboarding.Enrichment", FunctionEnvironment("enrichment", new Dictionary<string, string>
        {
            ["ENRICHMENT_POLL_TOPICS"] = string.Join(',', RawTopics),
            ["ENRICHMENT_POLL_BATCH_SIZE"] = "100",
            ["ENRICHMENT_POLL_BATCHING_WINDOW_MS"] = "500",
        }), log));

        log.WriteLine("Starting the metering function behind a Runtime API emulator ...");
        meteringRuntime = await RuntimeApiEmulator.StartAsync();
        started.Add(meteringRuntime);
        Track(ChildProcess.Start("metering", "Onboarding.Metering", FunctionEnvironment("metering", new Dictionary<string, string>
        {
            ["AWS_LAMBDA_RUNTIME_API"] = meteringRuntime.RuntimeApi,
            ["AWS_LAMBDA_FUNCTION_NAME"] = "local-metering",
        }), log));

        log.WriteLine("Starting the lifecycle function behind a Runtime API emulator ...");
        lifecycleRuntime = await RuntimeApiEmulator.StartAsync();
        started.Add(lifecycleRuntime);
        Track(ChildProcess.Start("lifecycle", "Onboarding.Lifecycle", FunctionEnvironment("lifecycle", new Dictionary<string, string>
        {
            ["AWS_LAMBDA_RUNTIME_API"] = lifecycleRuntime.RuntimeApi,
            ["AWS_LAMBDA_FUNCTION_NAME"] = "local-lifecycle",
            ["KAFKA_ACLS"] = "in-memory",
        }), log));

        producer = new SampleProducer(kafka.BootstrapServers, RawTopics[0], TimeSpan.FromSeconds(1));
        replayed = await producer.ReplayAsync(cancellationToken);
    }

    /// <summary>
    /// The live sample feed, the subscription notifications (the SNS topic and SQS queue of AWS, polled from the
    /// simulator every two seconds) and the metering schedule (every minute here, hourly on AWS).
    /// </summary>
    public async Task RunUntilStoppedAsync(CancellationToken cancellationToken)
    {
        var live = producer!.RunLiveAsync(cancellationToken);
        var notifications = ForwardNotificationsAsync(cancellationToken);
        using var schedule = new PeriodicTimer(TimeSpan.FromMinutes(1));
        try
        {
            while (await schedule.WaitForNextTickAsync(cancellationToken))
            {
                var result = await meteringRuntime!.InvokeAsync(ScheduledEvent(DateTimeOffset.UtcNow));
                log.WriteLine(result.Succeeded ? "[stack] metering run finished" : $"[stack] metering run failed: {result.Error?.BodyText}");
            }
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C
        }

        await live;
        await notifications;
    }

    /// <summary>Delivers each new simulator notification to the lifecycle function as a one-record SQS event.</summary>
    private async Task ForwardNotificationsAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = SimulatorUrl };
        using var poll = new PeriodicTimer(TimeSpan.FromSeconds(2));
        long last = 0;
        try
        {
            while (await poll.WaitForNextTickAsync(cancellationToken))
            {
                using var document = JsonDocument.Parse(await http.GetStringAsync($"/_sim/notifications?after={last}", cancellationToken));
                foreach (var notification in document.RootElement.EnumerateArray())
                {
                    last = notification.GetProperty("sequence").GetInt64();
                    var action = notification.GetProperty("action").GetString();
                    var result = await lifecycleRuntime!.InvokeAsync(SqsEvent(notification.GetProperty("messageId").GetString()!, notification.GetProperty("body").GetString()!));
                    log.WriteLine(result.Succeeded
                        ? $"[stack] lifecycle handled {action}: {result.BodyText}"
                        : $"[stack] lifecycle failed on {action}: {result.Error?.BodyText}");
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C
        }
    }

    private static string SqsEvent(string messageId, string body)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("Records");
            json.WriteStartObject();
            json.WriteString("messageId", messageId);
            json.WriteString("receiptHandle", "local-" + messageId);
            json.WriteString("body", body);
            json.WriteStartObject("attributes");
            json.WriteString("ApproximateReceiveCount", "1");
            json.WriteString("SentTimestamp", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
            json.WriteEndObject();
            json.WriteStartObject("messageAttributes");
            json.WriteEndObject();
            json.WriteString("eventSource", "aws:sqs");
            json.WriteString("eventSourceARN", "arn:aws:sqs:us-east-1:000000000000:local-marketplace-notifications");
            json.WriteString("awsRegion", "us-east-1");
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    public string Summary() => $"""

        The local stack is up (Ctrl-C stops everything).

          Subscribe as a buyer      {SimulatorUrl}   (press "Subscribe": it POSTs a token to the landing page)
          Landing page (API)        {ApiUrl}
          Finance view              {ApiUrl}finance/billing   (API key: {FinanceApiKey})
          AWS endpoint (moto)       {moto!.Endpoint}
          ACM PCA (moto)            {caArn}
          Kafka bootstrap           {Bootstrap}
          Raw topics                {string.Join(", ", RawTopics)}   ({replayed} sample bars replayed, live bars every second)

        Watch the enriched feed:
          dotnet run --project local/Onboarding.LocalStack -- consume {Bootstrap} {RawTopics[0]}.enriched
        """;

    public async ValueTask DisposeAsync()
    {
        producer?.Dispose();
        for (var i = started.Count - 1; i >= 0; i--)
        {
            await started[i].DisposeAsync();
        }

        kafka?.Dispose();
        if (moto is not null)
        {
            await moto.DisposeAsync();
        }
    }

    private ChildProcess Track(ChildProcess process)
    {
        started.Add(process);
        return process;
    }

    /// <summary>
    /// What the SAM template sets on AWS for <paramref name="function"/> ("api", "enrichment", "metering", "lifecycle"),
    /// pointed at the local servers: the template's Globals and that function's own variables, no others, plus the AWS
    /// endpoints and credentials for the local servers.
    /// </summary>
    public static Dictionary<string, string> FunctionEnvironment(
        string function, Uri awsEndpoint, Uri simulatorUrl, string kafkaBootstrap, string certificateAuthorityArn)
    {
        ArgumentNullException.ThrowIfNull(awsEndpoint);
        ArgumentNullException.ThrowIfNull(simulatorUrl);
        var environment = new Dictionary<string, string>
        {
            ["AWS_ENDPOINT_URL"] = awsEndpoint.ToString(),
            ["AWS_ENDPOINT_URL_MARKETPLACE_METERING"] = simulatorUrl.ToString(),
            ["AWS_ENDPOINT_URL_MARKETPLACE_ENTITLEMENT_SERVICE"] = simulatorUrl.ToString(),
            ["AWS_ACCESS_KEY_ID"] = "testing",
            ["AWS_SECRET_ACCESS_KEY"] = "testing",
            ["AWS_REGION"] = "us-east-1",
            // The template's Globals.
            ["LOG_LEVEL"] = "Information",
        };
        var marketplace = new Dictionary<string, string>
        {
            ["PRODUCT_CODE"] = ProductCode,
            ["MARKETPLACE_MODEL"] = "subscription",
            ["FEED_TOPICS_BY_DIMENSION"] = JsonSerializer.Serialize(new Dictionary<string, string[]>
            {
                ["messages_million"] = [.. RawTopics.Select(t => t + ".enriched")],
            }, LocalStackJsonContext.Default.DictionaryStringStringArray),
        };
        Dictionary<string, string> own = function switch
        {
            "api" => new(marketplace)
            {
                ["SUBSCRIBERS_TABLE"] = SubscribersTable,
                ["ONBOARDING_TABLE"] = OnboardingTable,
                ["METERING_LEDGER_TABLE"] = LedgerTable,
                ["CERTIFICATE_AUTHORITY_ARN"] = certificateAuthorityArn,
                ["CERTIFICATE_ORGANIZATION"] = "Local Feed Provider",
                ["CERTIFICATE_VALIDITY_DAYS"] = "30",
                ["SECRET_PREFIX"] = SecretPrefix,
                ["KAFKA_BOOTSTRAP_SERVERS"] = kafkaBootstrap,
                ["KAFKA_BOOTSTRAP_SERVERS_PUBLIC"] = kafkaBootstrap,
                ["PRODUCT_NAME"] = "Real-time market data feed",
                ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
            },
            "enrichment" => new()
            {
                ["REFERENCE_PRICES_TABLE"] = ReferenceTable,
                ["KAFKA_BOOTSTRAP_SERVERS"] = kafkaBootstrap,
            },
            "metering" => new()
            {
                ["PRODUCT_CODE"] = ProductCode,
                ["SUBSCRIBERS_TABLE"] = SubscribersTable,
                ["METERING_LEDGER_TABLE"] = LedgerTable,
                ["METERING_DIMENSIONS"] = MeteringDimensions,
            },
            "lifecycle" => new(marketplace)
            {
                ["SUBSCRIBERS_TABLE"] = SubscribersTable,
                ["ONBOARDING_TABLE"] = OnboardingTable,
                ["METERING_LEDGER_TABLE"] = LedgerTable,
                ["CERTIFICATE_AUTHORITY_ARN"] = certificateAuthorityArn,
                ["KAFKA_BOOTSTRAP_SERVERS"] = kafkaBootstrap,
                ["METERING_DIMENSIONS"] = MeteringDimensions,
            },
            _ => throw new ArgumentException($"no local function {function}", nameof(function)),
        };
        foreach (var (key, value) in own)
        {
            environment[key] = value;
        }

        return environment;
    }

    private Dictionary<string, string> FunctionEnvironment(string function, Dictionary<string, string> extra)
    {
        var environment = FunctionEnvironment(function, moto!.Endpoint, SimulatorUrl, kafka!.BootstrapServers, caArn);
        foreach (var (key, value) in extra)
        {
            environment[key] = value;
        }

        return environment;
    }

    private static async Task CreateTablesAsync(Uri endpoint, CancellationToken cancellationToken)
    {
        using var dynamo = new AmazonDynamoDBClient(
            new BasicAWSCredentials("testing", "testing"),
            new AmazonDynamoDBConfig { ServiceURL = endpoint.ToString(), AuthenticationRegion = "us-east-1" });
        await SubscriberTables.CreateAsync(dynamo, new SubscriberTableOptions { SubscribersTable = SubscribersTable, OnboardingTable = OnboardingTable }, cancellationToken);
        await dynamo.CreateTableAsync(MeteringLedgerSchema.CreateTableRequest(LedgerTable), cancellationToken);
        await dynamo.CreateTableAsync(DynamoDbReferencePriceStore.CreateTableRequest(ReferenceTable), cancellationToken);
    }

    private static string ScheduledEvent(DateTimeOffset now) =>
        "{\"version\":\"0\",\"id\":\"" + Guid.NewGuid() + "\",\"detail-type\":\"Scheduled Event\",\"source\":\"aws.events\"," +
        "\"account\":\"000000000000\",\"time\":\"" + now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture) + "\"," +
        "\"region\":\"us-east-1\",\"resources\":[\"arn:aws:events:us-east-1:000000000000:rule/local-metering\"],\"detail\":{}}";
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string[]>))]
internal sealed partial class LocalStackJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
