using System.Globalization;
using System.Text;

namespace Onboarding.Core.QuickStart;

/// <summary>Where a subscriber's Kafka clients connect: MSK bootstrap brokers for TLS client authentication.</summary>
/// <param name="Public">Public-access brokers (port 9194), when the cluster has public access on.</param>
/// <param name="PrivateLink">Multi-VPC private connectivity (PrivateLink) brokers (port 9184), when enabled.</param>
public sealed record BootstrapBrokers(string? Public, string? PrivateLink)
{
    public IEnumerable<(string Label, string Brokers)> Available()
    {
        if (!string.IsNullOrWhiteSpace(Public))
        {
            yield return ("Public internet", Public);
        }

        if (!string.IsNullOrWhiteSpace(PrivateLink))
        {
            yield return ("AWS PrivateLink (multi-VPC connectivity)", PrivateLink);
        }
    }

    /// <summary>The brokers written into ready-made client files: public first, as it works from anywhere.</summary>
    public string Preferred =>
        Available().Select(b => b.Brokers).FirstOrDefault()
        ?? throw new InvalidOperationException("No bootstrap brokers are configured (KAFKA_BOOTSTRAP_SERVERS_PUBLIC or KAFKA_BOOTSTRAP_SERVERS_PRIVATELINK).");
}

/// <summary>What a subscriber needs to start consuming.</summary>
/// <param name="SubscriberId">The stable customer id, also the certificate's common name.</param>
/// <param name="GroupPrefix">Consumer groups must start with this prefix; the ACLs allow nothing else.</param>
/// <param name="Topics">The topics the subscriber is entitled to read.</param>
public sealed record QuickStartInput(
    string SubscriberId,
    string GroupPrefix,
    IReadOnlyList<string> Topics,
    BootstrapBrokers Brokers,
    bool IncludesPrivateKey);

/// <summary>
/// Builds the ready-made client configuration shown on the quick-start page and packed into the credentials
/// download. File names here are the ones the download uses, so the snippets work after unzipping in place.
/// </summary>
public static class QuickStartKit
{
    public const string CertificateFile = "client.crt";
    public const string ChainFile = "ca-chain.pem";
    public const string PrivateKeyFile = "client.key";
    public const string KeystoreFile = "client.p12";
    public const string JavaPropertiesFile = "client.properties";
    public const string LibrdkafkaFile = "librdkafka.config";
    public const string ReadmeFile = "README.txt";

    public static string ConsumerGroup(QuickStartInput input) => input.GroupPrefix + "consumer-1";

    /// <summary>Java client settings; MSK brokers present Amazon-issued certificates, so the JVM's default truststore suffices.</summary>
    public static string JavaClientProperties(QuickStartInput input)
    {
        var text = new StringBuilder();
        text.AppendLine("# Kafka Java client settings for the market-data feed (TLS client authentication).")
            .AppendLine(CultureInfo.InvariantCulture, $"bootstrap.servers={input.Brokers.Preferred}")
            .AppendLine("security.protocol=SSL")
            .AppendLine("ssl.keystore.type=PKCS12")
            .AppendLine(CultureInfo.InvariantCulture, $"ssl.keystore.location={KeystoreFile}")
            .AppendLine("ssl.keystore.password=CHANGE_ME")
            .AppendLine("# Consumer groups must start with your prefix; other group names are refused.")
            .AppendLine(CultureInfo.InvariantCulture, $"group.id={ConsumerGroup(input)}")
            .AppendLine("auto.offset.reset=latest")
            .AppendLine("enable.auto.commit=true");
        return text.ToString();
    }

    /// <summary>librdkafka / confluent-kafka (Python, Go, .NET) settings.</summary>
    public static string LibrdkafkaConfig(QuickStartInput input)
    {
        var text = new StringBuilder();
        text.AppendLine("# librdkafka / confluent-kafka settings for the market-data feed (TLS client authentication).")
            .AppendLine(CultureInfo.InvariantCulture, $"bootstrap.servers={input.Brokers.Preferred}")
            .AppendLine("security.protocol=SSL")
            .AppendLine(CultureInfo.InvariantCulture, $"ssl.certificate.location={CertificateFile}")
            .AppendLine(CultureInfo.InvariantCulture, $"ssl.key.location={PrivateKeyFile}")
            .AppendLine(CultureInfo.InvariantCulture, $"group.id={ConsumerGroup(input)}")
            .AppendLine("auto.offset.reset=latest");
        return text.ToString();
    }

    /// <summary>The one command that turns the PEM files into the PKCS#12 keystore the Java client reads.</summary>
    public static string KeystoreCommand =>
        $"openssl pkcs12 -export -in {CertificateFile} -inkey {PrivateKeyFile} -certfile {ChainFile} -out {KeystoreFile} -passout pass:CHANGE_ME";

    public static string KcatCommand(QuickStartInput input) =>
        $"kcat -C -b {input.Brokers.Preferred} -X security.protocol=SSL -X ssl.certificate.location={CertificateFile} " +
        $"-X ssl.key.location={PrivateKeyFile} -G {ConsumerGroup(input)} {string.Join(' ', input.Topics)}";

    public static string PythonConsumer(QuickStartInput input)
    {
        var topics = string.Join(", ", input.Topics.Select(t => $"\"{t}\""));
        return $$"""
            from confluent_kafka import Consumer

            settings = dict(line.strip().split("=", 1) for line in open("{{LibrdkafkaFile}}")
                            if line.strip() and not line.startswith("#"))
            consumer = Consumer(settings)
            consumer.subscribe([{{topics}}])
            while True:
                message = consumer.poll(1.0)
                if message is not None and message.error() is None:
                    print(message.key(), message.value())
            """;
    }

    public static string Readme(QuickStartInput input)
    {
        var text = new StringBuilder();
        text.AppendLine("Market-data feed credentials")
            .AppendLine("============================")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Subscriber id (certificate common name): {input.SubscriberId}")
            .AppendLine(CultureInfo.InvariantCulture, $"Consumer group prefix: {input.GroupPrefix}")
            .AppendLine("Topics:");
        foreach (var topic in input.Topics)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {topic}");
        }

        text.AppendLine().AppendLine("Bootstrap brokers:");
        foreach (var (label, brokers) in input.Brokers.Available())
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {label}: {brokers}");
        }

        text.AppendLine()
            .AppendLine("Files:")
            .AppendLine(CultureInfo.InvariantCulture, $"  {CertificateFile}  your client certificate")
            .AppendLine(CultureInfo.InvariantCulture, $"  {ChainFile}  the issuing CA chain")
            .AppendLine(input.IncludesPrivateKey
                ? $"  {PrivateKeyFile}  your private key (generated for you; this download is the only copy we hand out, keep it safe)"
                : $"  {PrivateKeyFile}  not included: use the key you generated your CSR with")
            .AppendLine(CultureInfo.InvariantCulture, $"  {JavaPropertiesFile}  Java client settings")
            .AppendLine(CultureInfo.InvariantCulture, $"  {LibrdkafkaFile}  librdkafka / confluent-kafka settings")
            .AppendLine()
            .AppendLine("Java: create the keystore first:")
            .AppendLine(CultureInfo.InvariantCulture, $"  {KeystoreCommand}")
            .AppendLine()
            .AppendLine("Try it with kcat:")
            .AppendLine(CultureInfo.InvariantCulture, $"  {KcatCommand(input)}");
        return text.ToString();
    }
}
