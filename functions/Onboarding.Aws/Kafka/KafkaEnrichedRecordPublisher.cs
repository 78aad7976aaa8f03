using Confluent.Kafka;
using Onboarding.Core.Enrichment;

namespace Onboarding.Aws.Kafka;

/// <summary>
/// Produces outgoing records with one long-lived idempotent producer and waits for every delivery report.
/// Records go to librdkafka in list order; with idempotence, order within a partition survives retries.
/// </summary>
public sealed class KafkaEnrichedRecordPublisher(IProducer<byte[], byte[]> producer) : IEnrichedRecordPublisher
{
    public async Task PublishAsync(IReadOnlyList<OutgoingRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return;
        }

        var tracker = new DeliveryTracker(records.Count);
        foreach (var record in records)
        {
            var message = new Message<byte[], byte[]> { Key = record.Key!, Value = record.Value, Headers = ToHeaders(record.Headers) };
            while (true)
            {
                try
                {
                    producer.Produce(record.Topic, message, tracker.Report);
                    break;
                }
                catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    // The local queue drains as deliveries complete on librdkafka's threads.
                    cancellationToken.ThrowIfCancellationRequested();
                    producer.Poll(TimeSpan.FromMilliseconds(5));
                }
            }
        }

        // Flush sends what is queued at once instead of waiting out linger.ms: the invocation ends one linger sooner.
        producer.Flush(cancellationToken);
        await tracker.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (tracker.Failed > 0)
        {
            throw new KafkaPublishException(
                $"{tracker.Failed} of {records.Count} records were not delivered; first failure: topic '{tracker.FirstFailureTopic}': {tracker.FirstFailureReason}.",
                tracker.Fatal);
        }
    }

    private static Headers? ToHeaders(IReadOnlyList<KafkaHeader>? headers)
    {
        if (headers is null || headers.Count == 0)
        {
            return null;
        }

        var result = new Headers();
        foreach (var header in headers)
        {
            result.Add(header.Name, header.Value);
        }

        return result;
    }

    private sealed class DeliveryTracker(int expected)
    {
        private readonly TaskCompletionSource completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int remaining = expected;
        private int failed;

        public Task Completion => completion.Task;

        public int Failed => Volatile.Read(ref failed);

        public string? FirstFailureTopic { get; private set; }

        public string? FirstFailureReason { get; private set; }

        public bool Fatal { get; private set; }

        public void Report(DeliveryReport<byte[], byte[]> report)
        {
            if (report.Error.IsError || report.Status != PersistenceStatus.Persisted)
            {
                Fatal |= report.Error.IsFatal;
                if (Interlocked.Increment(ref failed) == 1)
                {
                    FirstFailureTopic = report.Topic;
                    FirstFailureReason = report.Error.IsError ? report.Error.Reason : $"persistence status {report.Status}";
                }
            }

            if (Interlocked.Decrement(ref remaining) == 0)
            {
                completion.TrySetResult();
            }
        }
    }
}

/// <summary>
/// Records were not delivered. <see cref="IsFatal"/>: the idempotent producer hit a fatal error and cannot produce again;
/// the process should exit so that Lambda starts a fresh one (the batch is retried either way).
/// </summary>
public sealed class KafkaPublishException(string message, bool isFatal = false) : Exception(message)
{
    public bool IsFatal { get; } = isFatal;
}

/// <summary>The producer settings the enrichment function needs: idempotent, acks=all, lz4, Java-compatible key partitioning.</summary>
public static class EnrichmentProducerConfig
{
    public static ProducerConfig Create(string bootstrapServers, int deliveryTimeoutMs = 60_000, string? securityProtocol = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(bootstrapServers);
        var config = new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            EnableIdempotence = true,
            Acks = Acks.All,
            CompressionType = CompressionType.Lz4,
            LingerMs = 5,
            // The provider's Java producer and Kafka Streams partition by murmur2; keep keys where they would land.
            Partitioner = Partitioner.Murmur2Random,
            QueueBufferingMaxMessages = 1_000_000,
            MessageTimeoutMs = deliveryTimeoutMs,
            // Delivery reports are only checked for their error and status: without key and value in them the
            // produced arrays are garbage as soon as librdkafka has copied them, not when the broker acknowledges.
            DeliveryReportFields = "status",
            ClientId = "onboarding-enrichment",
        };
        if (!string.IsNullOrWhiteSpace(securityProtocol))
        {
            config.SecurityProtocol = Enum.Parse<SecurityProtocol>(securityProtocol.Replace("_", string.Empty, StringComparison.Ordinal), ignoreCase: true);
        }

        return config;
    }

    public static IProducer<byte[], byte[]> Build(ProducerConfig config)
    {
        Librdkafka.EnsureLoaded();
        return new ProducerBuilder<byte[], byte[]>(config).Build();
    }
}
