using System.Runtime.InteropServices;
using System.Text;

namespace Onboarding.LocalServers;

/// <summary>
/// librdkafka's built-in mock Kafka cluster: real Kafka protocol over TCP on 127.0.0.1, no ACLs, no TLS.
/// Any Kafka client (Confluent.Kafka, kcat) connects to <see cref="BootstrapServers"/>.
/// </summary>
public sealed class MockKafkaCluster : IDisposable
{
    private readonly IntPtr handle;
    private IntPtr cluster;

    private MockKafkaCluster(IntPtr handle, IntPtr cluster, string bootstrapServers)
    {
        this.handle = handle;
        this.cluster = cluster;
        BootstrapServers = bootstrapServers;
    }

    public string BootstrapServers { get; }

    /// <summary>Starts a cluster with <paramref name="brokers"/> brokers and no group-join delay.</summary>
    public static MockKafkaCluster Start(int brokers = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokers, 1);
        var conf = Native.rd_kafka_conf_new();
        // The cluster's own handle never connects anywhere; keep its "no bootstrap.servers" notice out of the output.
        Native.rd_kafka_conf_set(conf, "log_level", "3");
        // The mock cluster lives inside a client handle; a producer handle does no work of its own.
        IntPtr handle;
        var error = new byte[512];
        unsafe
        {
            fixed (byte* errstr = error)
            {
                handle = Native.rd_kafka_new(0, conf, errstr, (nuint)error.Length);
            }
        }

        if (handle == IntPtr.Zero)
        {
            throw new InvalidOperationException($"rd_kafka_new failed: {Encoding.UTF8.GetString(error).TrimEnd('\0')}");
        }

        var cluster = Native.rd_kafka_mock_cluster_new(handle, brokers);
        if (cluster == IntPtr.Zero)
        {
            Native.rd_kafka_destroy(handle);
            throw new InvalidOperationException("rd_kafka_mock_cluster_new failed to start the mock cluster.");
        }

        var bootstrap = Marshal.PtrToStringUTF8(Native.rd_kafka_mock_cluster_bootstraps(cluster))
            ?? throw new InvalidOperationException("The mock cluster reported no bootstrap address.");
        // Without this a consumer group join waits 3 s for more members.
        Native.rd_kafka_mock_group_initial_rebalance_delay_ms(cluster, 0);
        return new MockKafkaCluster(handle, cluster, bootstrap);
    }

    /// <summary>Creates a topic up front; auto-created topics get one partition only.</summary>
    public void CreateTopic(string topic, int partitions = 1)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        ObjectDisposedException.ThrowIf(cluster == IntPtr.Zero, this);
        var code = Native.rd_kafka_mock_topic_create(cluster, topic, partitions, 1);
        if (code != 0)
        {
            throw new InvalidOperationException($"Creating mock topic '{topic}' failed with librdkafka error {code}.");
        }
    }

    /// <summary>Adds round-trip latency to one broker, for tests of slow networks.</summary>
    public void SetBrokerRtt(int brokerId, TimeSpan rtt)
    {
        ObjectDisposedException.ThrowIf(cluster == IntPtr.Zero, this);
        Native.rd_kafka_mock_broker_set_rtt(cluster, brokerId, (int)rtt.TotalMilliseconds);
    }

    public void Dispose()
    {
        if (cluster == IntPtr.Zero)
        {
            return;
        }

        Native.rd_kafka_mock_cluster_destroy(cluster);
        Native.rd_kafka_destroy(handle);
        cluster = IntPtr.Zero;
    }

    /// <summary>The mock-cluster exports, bound from the same librdkafka that Confluent.Kafka uses.</summary>
    private static unsafe class Native
    {
        private static readonly IntPtr Library = Onboarding.Aws.Kafka.Librdkafka.EnsureLoaded();

        private static IntPtr Export(string name) => NativeLibrary.GetExport(Library, name);

        internal static IntPtr rd_kafka_conf_new() =>
            ((delegate* unmanaged<IntPtr>)Export(nameof(rd_kafka_conf_new)))();

        internal static void rd_kafka_conf_set(IntPtr conf, string name, string value)
        {
            var nameUtf8 = Marshal.StringToCoTaskMemUTF8(name);
            var valueUtf8 = Marshal.StringToCoTaskMemUTF8(value);
            var error = stackalloc byte[256];
            try
            {
                var result = ((delegate* unmanaged<IntPtr, IntPtr, IntPtr, byte*, nuint, int>)Export(nameof(rd_kafka_conf_set)))(conf, nameUtf8, valueUtf8, error, 256);
                if (result != 0)
                {
                    throw new InvalidOperationException($"rd_kafka_conf_set({name}) failed: {Marshal.PtrToStringUTF8((IntPtr)error)}");
                }
            }
            finally
            {
                Marshal.FreeCoTaskMem(nameUtf8);
                Marshal.FreeCoTaskMem(valueUtf8);
            }
        }

        internal static IntPtr rd_kafka_new(int type, IntPtr conf, byte* errstr, nuint errstrSize) =>
            ((delegate* unmanaged<int, IntPtr, byte*, nuint, IntPtr>)Export(nameof(rd_kafka_new)))(type, conf, errstr, errstrSize);

        internal static void rd_kafka_destroy(IntPtr rk) =>
            ((delegate* unmanaged<IntPtr, void>)Export(nameof(rd_kafka_destroy)))(rk);

        internal static IntPtr rd_kafka_mock_cluster_new(IntPtr rk, int brokerCount) =>
            ((delegate* unmanaged<IntPtr, int, IntPtr>)Export(nameof(rd_kafka_mock_cluster_new)))(rk, brokerCount);

        internal static void rd_kafka_mock_cluster_destroy(IntPtr cluster) =>
            ((delegate* unmanaged<IntPtr, void>)Export(nameof(rd_kafka_mock_cluster_destroy)))(cluster);

        internal static IntPtr rd_kafka_mock_cluster_bootstraps(IntPtr cluster) =>
            ((delegate* unmanaged<IntPtr, IntPtr>)Export(nameof(rd_kafka_mock_cluster_bootstraps)))(cluster);

        internal static int rd_kafka_mock_topic_create(IntPtr cluster, string topic, int partitions, int replicationFactor)
        {
            var name = Marshal.StringToCoTaskMemUTF8(topic);
            try
            {
                return ((delegate* unmanaged<IntPtr, IntPtr, int, int, int>)Export(nameof(rd_kafka_mock_topic_create)))(cluster, name, partitions, replicationFactor);
            }
            finally
            {
                Marshal.FreeCoTaskMem(name);
            }
        }

        internal static void rd_kafka_mock_group_initial_rebalance_delay_ms(IntPtr cluster, int delayMs) =>
            ((delegate* unmanaged<IntPtr, int, void>)Export(nameof(rd_kafka_mock_group_initial_rebalance_delay_ms)))(cluster, delayMs);

        internal static int rd_kafka_mock_broker_set_rtt(IntPtr cluster, int brokerId, int rttMs) =>
            ((delegate* unmanaged<IntPtr, int, int, int>)Export(nameof(rd_kafka_mock_broker_set_rtt)))(cluster, brokerId, rttMs);
    }
}
