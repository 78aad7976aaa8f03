using System.Diagnostics;
using System.Text.Json;
using Confluent.Kafka;
using Onboarding.Aws.ReferencePrices;
using Onboarding.IntegrationTests.Fixtures;
using Onboarding.Lambda.Testing;
using Onboarding.LocalServers;

namespace Onboarding.IntegrationTests.Enrichment;

/// <summary>
/// The enrichment function as Lambda runs it: its own process, driven through the Runtime API emulator with the
/// sample MSK event, producing to the mock Kafka cluster and keeping references in DynamoDB on moto.
/// </summary>
[Collection(MotoCollection.Name)]
[Trait("Category", "Integration")]
public sealed class EnrichmentLambdaProcessTests(MotoFixture moto) : IDisposable
{
    private readonly MockKafkaCluster kafka = MockKafkaCluster.Start(brokers: 1);

    public void Dispose() => kafka.Dispose();

    [Fact]
    public async Task FunctionProcess_UnderTheRuntimeApi_EnrichesTheSampleMskEvent_AndABadEventFailsOnlyItsInvocation()
    {
        kafka.CreateTopic("bars-1m.enriched", 3);
        kafka.CreateTopic("bars-1m.dlq", 1);
        var table = $"reference-prices-{Guid.NewGuid():N}";
        using (var dynamoDb = moto.NewDynamoDbClient())
        {
            await dynamoDb.CreateTableAsync(DynamoDbReferencePriceStore.CreateTableRequest(table));
        }

        await using var runtime = await RuntimeApiEmulator.StartAsync();
        using var function = StartFunction(runtime.RuntimeApi, table);
        try
        {
            var sample = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "events", "msk-bars.json"));

            var bad = await runtime.InvokeAsync("{\"eventSource\":\"aws:kafka\",\"records\":");
            var good = await runtime.InvokeAsync(sample);

            Assert.False(bad.Succeeded);
            Assert.True(good.Succeeded, good.Error?.BodyText);
            using var result = JsonDocument.Parse(good.Body);
            var records = result.RootElement.GetProperty("Records").GetInt32();
            Assert.Equal(3, records);
            Assert.Equal(records, ReadToHighWatermark("bars-1m.enriched").Count + ReadToHighWatermark("bars-1m.dlq").Count);
            Assert.All(ReadToHighWatermark("bars-1m.enriched"), value =>
            {
                using var enriched = JsonDocument.Parse(value);
                Assert.Contains(enriched.RootElement.GetProperty("indicator").GetString(), new[] { "Bullish", "Bearish", "Neutral" });
            });
        }
        finally
        {
            function.Kill(entireProcessTree: true);
            await function.WaitForExitAsync();
        }
    }

    private Process StartFunction(string runtimeApi, string table)
    {
        // ENRICHMENT_BOOTSTRAP=artifacts/EnrichmentFunction/bootstrap runs the packaged function (`make
        // build-EnrichmentFunction`) instead of the build output, to check what sam deploy would upload.
        var packaged = Environment.GetEnvironmentVariable("ENRICHMENT_BOOTSTRAP");
        var start = new ProcessStartInfo(string.IsNullOrEmpty(packaged) ? "dotnet" : Path.GetFullPath(packaged))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (string.IsNullOrEmpty(packaged))
        {
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Onboarding.Enrichment.dll"));
        }

        start.Environment["AWS_LAMBDA_RUNTIME_API"] = runtimeApi;
        start.Environment["KAFKA_BOOTSTRAP_SERVERS"] = kafka.BootstrapServers;
        start.Environment["REFERENCE_PRICES_TABLE"] = table;
        start.Environment["AWS_ENDPOINT_URL_DYNAMODB"] = moto.Endpoint.ToString();
        start.Environment["AWS_ACCESS_KEY_ID"] = "testing";
        start.Environment["AWS_SECRET_ACCESS_KEY"] = "testing";
        start.Environment["AWS_REGION"] = MotoFixture.Region;
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the enrichment function");
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private List<string> ReadToHighWatermark(string topic)
    {
        using var consumer = new ConsumerBuilder<Ignore, string>(new ConsumerConfig
        {
            BootstrapServers = kafka.BootstrapServers,
            GroupId = $"check-{Guid.NewGuid():N}",
            EnableAutoCommit = false,
            FetchWaitMaxMs = 10,
        }).Build();
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = kafka.BootstrapServers }).Build();
        var partitions = admin.GetMetadata(topic, TimeSpan.FromSeconds(30)).Topics.Single().Partitions.Select(p => new TopicPartition(topic, p.PartitionId)).ToList();
        consumer.Assign(partitions.Select(p => new TopicPartitionOffset(p, Offset.Beginning)));
        var total = partitions.Sum(p => consumer.QueryWatermarkOffsets(p, TimeSpan.FromSeconds(30)).High.Value);
        var values = new List<string>();
        while (values.Count < total)
        {
            var record = consumer.Consume(TimeSpan.FromSeconds(30)) ?? throw new InvalidOperationException($"{topic}: fewer records than the high watermark");
            values.Add(record.Message.Value);
        }

        return values;
    }
}
