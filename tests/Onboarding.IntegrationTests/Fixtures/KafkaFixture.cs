using Onboarding.LocalServers;

namespace Onboarding.IntegrationTests.Fixtures;

/// <summary>One mock Kafka cluster for the <see cref="KafkaCollection"/>; tests use topics of their own.</summary>
public sealed class KafkaFixture : IDisposable
{
    public KafkaFixture() => Cluster = MockKafkaCluster.Start(brokers: 3);

    public MockKafkaCluster Cluster { get; }

    public string BootstrapServers => Cluster.BootstrapServers;

    /// <summary>A topic name no other test uses, created with <paramref name="partitions"/> partitions.</summary>
    public string NewTopic(string prefix, int partitions = 1)
    {
        var topic = $"{prefix}-{Guid.NewGuid():N}";
        Cluster.CreateTopic(topic, partitions);
        return topic;
    }

    public void Dispose() => Cluster.Dispose();
}

[CollectionDefinition(Name)]
public sealed class KafkaCollection : ICollectionFixture<KafkaFixture>
{
    public const string Name = "kafka";
}
