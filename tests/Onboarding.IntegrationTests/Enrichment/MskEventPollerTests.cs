using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Onboarding.Enrichment.Poller;
using Onboarding.IntegrationTests.Fixtures;
using Onboarding.Lambda.Events;

namespace Onboarding.IntegrationTests.Enrichment;

[Collection(KafkaCollection.Name)]
[Trait("Category", "Integration")]
public sealed class MskEventPollerTests(KafkaFixture kafka)
{
    [Fact]
    public async Task Poller_BuildsMskShapedEventsWithinTheBatchSize()
    {
        var topic = kafka.NewTopic("poller-shape", partitions: 2);
        await ProduceAsync(topic, 30, withHeader: true);
        var events = new List<MskEvent>();
        var (running, mostAtOnce) = (0, 0);
        using var consumer = MskEventPoller.BuildConsumer(kafka.BootstrapServers, $"poller-{Guid.NewGuid():N}");
        var poller = NewPoller(consumer, topic, batchSize: 7, async (e, _) =>
        {
            mostAtOnce = Math.Max(mostAtOnce, Interlocked.Increment(ref running));
            await Task.Yield();
            events.Add(e);
            Interlocked.Decrement(ref running);
        });

        await PollUntilAsync(poller, 30);

        // The next batch is gathered while an invocation runs, but invocations never overlap.
        Assert.Equal(1, mostAtOnce);
        Assert.All(events, e => Assert.InRange(e.Records.Values.Sum(r => r.Count), 1, 7));
        Assert.All(events, e => Assert.Equal(MskEvent.Source, e.EventSource));
        Assert.All(events, e => Assert.Equal(kafka.BootstrapServers, e.BootstrapServers));
        var records = events.SelectMany(e => e.Records).ToList();
        Assert.All(records, group => Assert.All(group.Value, r => Assert.Equal(group.Key, $"{r.Topic}-{r.Partition}")));
        var all = records.SelectMany(g => g.Value).ToList();
        Assert.Equal(30, all.Count);
        foreach (var partition in all.GroupBy(r => r.Partition))
        {
            Assert.Equal(partition.Select(r => r.Offset).Order(), partition.Select(r => r.Offset));
        }

        var first = all[0];
        Assert.StartsWith("{\"n\":", Encoding.UTF8.GetString(Convert.FromBase64String(first.Value!)), StringComparison.Ordinal);
        Assert.Equal("CREATE_TIME", first.TimestampType);
        Assert.Equal([-1, 1], Assert.Single(first.Headers!)["h"]);
    }

    [Fact]
    public async Task Poller_WhenTheHandlerFails_DeliversTheSameRecordsAgainAndCommitsOnlyAfterSuccess()
    {
        var topic = kafka.NewTopic("poller-retry", partitions: 1);
        await ProduceAsync(topic, 5, withHeader: false);
        var attempts = new List<long[]>();
        using var consumer = MskEventPoller.BuildConsumer(kafka.BootstrapServers, $"poller-{Guid.NewGuid():N}");
        var poller = NewPoller(consumer, topic, batchSize: 100, (e, _) =>
        {
            attempts.Add(e.Records.Values.SelectMany(r => r).Select(r => r.Offset).ToArray());
            return attempts.Count == 1 ? throw new InvalidOperationException("first attempt fails") : Task.CompletedTask;
        });

        Exception? failure = null;
        for (var polls = 0; failure is null && polls < 500; polls++)
        {
            failure = await Record.ExceptionAsync(() => poller.PollOnceAsync(CancellationToken.None));
        }

        Assert.IsType<InvalidOperationException>(failure);
        var committedAfterFailure = consumer.Committed([new TopicPartition(topic, 0)], TimeSpan.FromSeconds(30)).Single().Offset;
        // Everything from the failed batch's first offset on is delivered again: all 5 records.
        await PollUntilAsync(poller, 5);

        Assert.Equal(Offset.Unset, committedAfterFailure);
        Assert.Equal(attempts[0], attempts.Skip(1).SelectMany(a => a).Take(attempts[0].Length));
        Assert.Equal(5, consumer.Committed([new TopicPartition(topic, 0)], TimeSpan.FromSeconds(30)).Single().Offset.Value);
    }

    [Fact]
    public async Task Poller_WhenAnInvocationFails_AlsoRedeliversTheBatchGatheredMeanwhile_SoEveryRecordSucceedsOnce()
    {
        // Three records per partition and batches of three: the batch gathered while the first (failing) invocation
        // runs holds the other partition, which only a seek back to that batch's start delivers again.
        var topic = kafka.NewTopic("poller-refetch", partitions: 2);
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).Build())
        {
            for (var i = 0; i < 6; i++)
            {
                await producer.ProduceAsync(new TopicPartition(topic, i % 2), new Message<string, string> { Key = $"k{i}", Value = $"{{\"n\":{i}}}" });
            }
        }

        var succeeded = new List<(int Partition, long Offset)>();
        var invocations = 0;
        using var consumer = MskEventPoller.BuildConsumer(kafka.BootstrapServers, $"poller-{Guid.NewGuid():N}");
        var poller = NewPoller(consumer, topic, batchSize: 3, (e, _) =>
        {
            if (++invocations == 1)
            {
                throw new InvalidOperationException("first invocation fails");
            }

            succeeded.AddRange(e.Records.Values.SelectMany(r => r).Select(r => (r.Partition, r.Offset)));
            return Task.CompletedTask;
        });

        var handled = 0;
        var failures = 0;
        for (var polls = 0; handled < 6 && polls < 1000; polls++)
        {
            try
            {
                handled += await poller.PollOnceAsync(CancellationToken.None);
            }
            catch (InvalidOperationException)
            {
                failures++;
            }
        }

        Assert.Equal(1, failures);
        Assert.Equal(6, handled);
        Assert.Equal([(0, 0L), (0, 1L), (0, 2L), (1, 0L), (1, 1L), (1, 2L)], succeeded.Order());
        var committed = consumer.Committed([new TopicPartition(topic, 0), new TopicPartition(topic, 1)], TimeSpan.FromSeconds(30));
        Assert.Equal([3L, 3L], committed.Select(c => c.Offset.Value));
    }

    [Fact]
    public void WrittenPayload_ReadsBackAsTheConsumedRecords_WithAndWithoutHeaders()
    {
        var records = new List<ConsumeResult<byte[], byte[]>>
        {
            Consumed("bars", 1, 10, [0xFB, 0xEF, 0xFF], [0x7B, 0x7D], TimestampType.CreateTime, null),
            Consumed("bars", 0, 3, null, [0x01], TimestampType.LogAppendTime, new Headers { { "h", [0xFF, 0x01] } }),
            Consumed("bars", 1, 11, [0x41], null, TimestampType.CreateTime, null),
        };
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();

        MskEventPoller.WriteEvent(records, "127.0.0.1:9092", "arn:aws:kafka:us-east-1:000000000000:cluster/x/y", buffer);

        var mskEvent = MskEventPoller.ReadEvent(buffer.WrittenMemory);
        Assert.Equal(["bars-1", "bars-0"], mskEvent.Records.Keys);
        var read = mskEvent.Records.Values.SelectMany(r => r).ToList();
        Assert.Equal([10L, 11L, 3L], read.Select(r => r.Offset));
        Assert.Equal(["++//", "QQ==", null], read.Select(r => r.Key));
        Assert.Equal(["e30=", null, "AQ=="], read.Select(r => r.Value));
        Assert.Equal(["CREATE_TIME", "CREATE_TIME", "LOG_APPEND_TIME"], read.Select(r => r.TimestampType));
        Assert.Equal([1720727340000L, 1720727340000L, 1720727340000L], read.Select(r => r.Timestamp));
        Assert.Null(read[0].Headers);
        Assert.Equal([-1, 1], Assert.Single(read[2].Headers!)["h"]);
    }

    private static ConsumeResult<byte[], byte[]> Consumed(string topic, int partition, long offset, byte[]? key, byte[]? value, TimestampType type, Headers? headers) => new()
    {
        Topic = topic,
        Partition = partition,
        Offset = offset,
        Message = new Message<byte[], byte[]> { Key = key!, Value = value!, Timestamp = new Timestamp(1720727340000, type), Headers = headers },
    };

    [Fact]
    public void Options_OutsideTheEventSourceMappingLimits_AreRejected()
    {
        var errors = new PollerOptions { Topics = [], BatchSize = 10_001, BatchingWindowMs = -1 }.Validate();

        Assert.Equal(3, errors.Count);
    }

    private MskEventPoller NewPoller(IConsumer<byte[], byte[]> consumer, string topic, int batchSize, Func<MskEvent, CancellationToken, Task> handler) =>
        new(consumer, new PollerOptions { Topics = [topic], BatchSize = batchSize, BatchingWindowMs = 20 }, kafka.BootstrapServers,
            (payload, token) => handler(MskEventPoller.ReadEvent(payload), token), NullLogger<MskEventPoller>.Instance);

    private static async Task PollUntilAsync(MskEventPoller poller, int records)
    {
        var handled = 0;
        for (var polls = 0; handled < records && polls < 1000; polls++)
        {
            handled += await poller.PollOnceAsync(CancellationToken.None);
        }

        Assert.Equal(records, handled);
    }

    private async Task ProduceAsync(string topic, int count, bool withHeader)
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).Build();
        for (var i = 0; i < count; i++)
        {
            var headers = withHeader ? new Headers { { "h", [0xFF, 0x01] } } : null;
            await producer.ProduceAsync(topic, new Message<string, string> { Key = $"k{i % 5}", Value = $"{{\"n\":{i}}}", Headers = headers });
        }
    }
}
