using System.Text;
using Confluent.Kafka;
using Onboarding.Aws.Kafka;
using Onboarding.Core.Enrichment;
using Onboarding.IntegrationTests.Fixtures;

namespace Onboarding.IntegrationTests.Enrichment;

[Collection(KafkaCollection.Name)]
[Trait("Category", "Integration")]
public sealed class KafkaEnrichedRecordPublisherTests(KafkaFixture kafka)
{
    [Fact]
    public async Task Publish_ReturnsAfterEveryRecordIsDelivered_WithKeysHeadersAndOrder()
    {
        var topic = kafka.NewTopic("publisher", partitions: 1);
        using var producer = EnrichmentProducerConfig.Build(EnrichmentProducerConfig.Create(kafka.BootstrapServers));
        var records = Enumerable.Range(0, 500)
            .Select(i => new OutgoingRecord(topic, "AMZN"u8.ToArray(), Encoding.UTF8.GetBytes($"{{\"n\":{i}}}"), [new KafkaHeader("h", [(byte)(i % 256)])], default, null))
            .ToList();

        await new KafkaEnrichedRecordPublisher(producer).PublishAsync(records, CancellationToken.None);

        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig { BootstrapServers = kafka.BootstrapServers, GroupId = $"check-{Guid.NewGuid():N}", FetchWaitMaxMs = 10 }).Build();
        var partition = new TopicPartition(topic, 0);
        Assert.Equal(500, consumer.QueryWatermarkOffsets(partition, TimeSpan.FromSeconds(30)).High.Value);
        consumer.Assign(new TopicPartitionOffset(partition, Offset.Beginning));
        for (var i = 0; i < 500; i++)
        {
            var record = consumer.Consume(TimeSpan.FromSeconds(30));
            Assert.Equal($"{{\"n\":{i}}}", record.Message.Value);
            Assert.Equal("AMZN", record.Message.Key);
            Assert.Equal([(byte)(i % 256)], record.Message.Headers.GetLastBytes("h"));
        }
    }

    [Fact]
    public async Task Publish_WhenRecordsAreNotDelivered_FailsAndSaysWhere()
    {
        // Nothing listens on port 1: every delivery times out.
        using var producer = EnrichmentProducerConfig.Build(EnrichmentProducerConfig.Create("127.0.0.1:1", deliveryTimeoutMs: 1_000));
        OutgoingRecord[] records =
        [
            new("bars.enriched", null, "{}"u8.ToArray(), null, default, null),
            new("bars.enriched", null, "{}"u8.ToArray(), null, default, null),
        ];

        var error = await Assert.ThrowsAsync<KafkaPublishException>(() => new KafkaEnrichedRecordPublisher(producer).PublishAsync(records, CancellationToken.None));

        Assert.Contains("2 of 2 records were not delivered", error.Message, StringComparison.Ordinal);
        Assert.Contains("topic 'bars.enriched'", error.Message, StringComparison.Ordinal);
    }
}
