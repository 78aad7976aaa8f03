using Confluent.Kafka;
using Onboarding.IntegrationTests.Fixtures;

namespace Onboarding.IntegrationTests.Foundation;

[Collection(KafkaCollection.Name)]
[Trait("Category", "Integration")]
public sealed class KafkaRoundTripTests(KafkaFixture kafka)
{
    [Fact]
    public async Task MockCluster_RecordsProducedOverTcp_AreConsumedInOrderWithKeysAndHeaders()
    {
        var topic = kafka.NewTopic("roundtrip", partitions: 3);
        var sent = Enumerable.Range(0, 50)
            .Select(i => (Key: "AMZN", Value: $"{{\"symbol\":\"AMZN\",\"close\":{194 + i}}}"))
            .ToList();

        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig
               {
                   BootstrapServers = kafka.BootstrapServers,
                   EnableIdempotence = true,
                   Acks = Acks.All,
               }).Build())
        {
            foreach (var (key, value) in sent)
            {
                var headers = new Headers { { "source", "test"u8.ToArray() } };
                var result = await producer.ProduceAsync(topic, new Message<string, string> { Key = key, Value = value, Headers = headers });
                Assert.Equal(PersistenceStatus.Persisted, result.Status);
            }
        }

        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = kafka.BootstrapServers,
            GroupId = $"test-{Guid.NewGuid():N}",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            FetchWaitMaxMs = 10,
        }).Build();

        // One key lands on one partition; read that partition up to its high watermark.
        var received = new List<ConsumeResult<string, string>>();
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = kafka.BootstrapServers }).Build();
        var partitions = admin.GetMetadata(topic, TimeSpan.FromSeconds(30)).Topics.Single().Partitions
            .Select(p => new TopicPartition(topic, p.PartitionId)).ToList();
        consumer.Assign(partitions.Select(p => new TopicPartitionOffset(p, Offset.Beginning)));
        var total = partitions.Sum(p => consumer.QueryWatermarkOffsets(p, TimeSpan.FromSeconds(30)).High.Value);
        Assert.Equal(sent.Count, total);
        while (received.Count < total)
        {
            var record = consumer.Consume(TimeSpan.FromSeconds(30));
            Assert.NotNull(record);
            received.Add(record);
        }

        Assert.Equal(sent.Select(s => s.Value), received.Select(r => r.Message.Value));
        Assert.All(received, r => Assert.Equal("AMZN", r.Message.Key));
        Assert.All(received, r => Assert.Equal("test"u8.ToArray(), r.Message.Headers.GetLastBytes("source")));
    }

    [Fact]
    public void CreateTopic_WithPartitions_IsVisibleInClusterMetadata()
    {
        var topic = kafka.NewTopic("metadata", partitions: 4);

        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = kafka.BootstrapServers }).Build();
        var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(30));

        Assert.Equal(4, metadata.Topics.Single().Partitions.Count);
    }
}
