using Confluent.Kafka;
using Onboarding.Aws.Kafka;

namespace Onboarding.LocalStack;

/// <summary>Prints a topic from the beginning (partition, offset, key, value) until Ctrl-C: a kcat stand-in.</summary>
internal static class TopicPrinter
{
    public static Task<int> RunAsync(string bootstrap, string topic)
    {
        Librdkafka.EnsureLoaded();
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = $"local-printer-{Guid.NewGuid():N}",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            FetchWaitMaxMs = 10,
        }).Build();
        consumer.Subscribe(topic);
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var record = consumer.Consume(stop.Token);
                Console.WriteLine($"{record.Partition.Value}@{record.Offset.Value} {record.Message.Key} {record.Message.Value}");
            }
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C
        }

        consumer.Close();
        return Task.FromResult(0);
    }
}
