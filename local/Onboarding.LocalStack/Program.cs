using Onboarding.Aws.Kafka;
using Onboarding.LocalServers;
using Onboarding.LocalStack.SampleData;

// The whole product on one machine: every dependency and service, each started after the previous is ready,
// stopped in reverse order on Ctrl-C. Traffic stays on 127.0.0.1.
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
using var onTerminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(
    System.Runtime.InteropServices.PosixSignal.SIGTERM,
    context =>
    {
        context.Cancel = true;
        stop.Cancel();
    });

string[] rawTopics = ["bars.1m.us", "trades.us", "quotes.us"];
const int partitions = 6;

Console.WriteLine("Starting moto_server ...");
await using var moto = await MotoServer.StartAsync(stop.Token);

Console.WriteLine("Starting the mock Kafka cluster ...");
Librdkafka.EnsureLoaded();
using var kafka = MockKafkaCluster.Start(brokers: 3);
foreach (var topic in rawTopics)
{
    kafka.CreateTopic(topic, partitions);
    kafka.CreateTopic(topic + ".enriched", partitions);
    kafka.CreateTopic(topic + ".dlq", 1);
}

using var producer = new SampleProducer(kafka.BootstrapServers, rawTopics[0], TimeSpan.FromSeconds(1));
var replayed = await producer.ReplayAsync(stop.Token);

Console.WriteLine($"""

    Local stack is up (Ctrl-C stops everything):
      AWS endpoint (moto)       {moto.Endpoint}
      Kafka bootstrap           {kafka.BootstrapServers}
      Raw topics                {string.Join(", ", rawTopics)}
      Sample bars replayed      {replayed} to {rawTopics[0]}, live bars every second

    Watch the raw feed:
      kcat -C -b {kafka.BootstrapServers} -t {rawTopics[0]} -o beginning
    """);

await producer.RunLiveAsync(stop.Token);
Console.WriteLine("Stopping ...");
return 0;
