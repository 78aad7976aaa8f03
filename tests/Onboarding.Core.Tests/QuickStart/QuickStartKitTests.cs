using Onboarding.Core.QuickStart;

namespace Onboarding.Core.Tests.QuickStart;

public sealed class QuickStartKitTests
{
    private static readonly QuickStartInput Input = new(
        SubscriberId: "c-4f2a9b",
        GroupPrefix: "c-4f2a9b.",
        Topics: ["quotes.us", "bars.1m.us"],
        Brokers: new BootstrapBrokers(
            Public: "b-1-public.feed.kafka.us-east-1.amazonaws.com:9194,b-2-public.feed.kafka.us-east-1.amazonaws.com:9194",
            PrivateLink: "b-1.feed.vpce.kafka.us-east-1.amazonaws.com:9184"),
        IncludesPrivateKey: true);

    private static Dictionary<string, string> Settings(string properties) =>
        properties.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => !line.StartsWith('#'))
            .Select(line => line.Split('=', 2))
            .ToDictionary(parts => parts[0], parts => parts[1]);

    [Fact]
    public void JavaProperties_UseTlsClientAuthThePublicBrokersAndAGroupInsideThePrefix()
    {
        var settings = Settings(QuickStartKit.JavaClientProperties(Input));

        Assert.Equal(Input.Brokers.Public, settings["bootstrap.servers"]);
        Assert.Equal("SSL", settings["security.protocol"]);
        Assert.Equal(QuickStartKit.KeystoreFile, settings["ssl.keystore.location"]);
        Assert.StartsWith(Input.GroupPrefix, settings["group.id"], StringComparison.Ordinal);
    }

    [Fact]
    public void LibrdkafkaConfig_PointsAtTheFilesOfTheDownload()
    {
        var settings = Settings(QuickStartKit.LibrdkafkaConfig(Input));

        Assert.Equal(QuickStartKit.CertificateFile, settings["ssl.certificate.location"]);
        Assert.Equal(QuickStartKit.PrivateKeyFile, settings["ssl.key.location"]);
        Assert.StartsWith(Input.GroupPrefix, settings["group.id"], StringComparison.Ordinal);
    }

    [Fact]
    public void Brokers_WithOnlyPrivateLink_ArePreferredAndListedAlone()
    {
        var brokers = new BootstrapBrokers(Public: null, PrivateLink: "b-1.vpce:9184");

        Assert.Equal("b-1.vpce:9184", brokers.Preferred);
        Assert.Single(brokers.Available());
    }

    [Fact]
    public void Brokers_WhenNoneConfigured_SayWhichSettingIsMissing()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new BootstrapBrokers(null, " ").Preferred);

        Assert.Contains("KAFKA_BOOTSTRAP_SERVERS_PUBLIC", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Readme_WithoutGeneratedKey_SaysTheKeyIsNotIncluded()
    {
        var readme = QuickStartKit.Readme(Input with { IncludesPrivateKey = false });

        Assert.Contains("not included", readme, StringComparison.Ordinal);
        Assert.Contains("bars.1m.us", readme, StringComparison.Ordinal);
    }

    [Fact]
    public void KcatCommand_SubscribesToEveryEntitledTopicInTheGroupPrefix()
    {
        var command = QuickStartKit.KcatCommand(Input);

        Assert.EndsWith("-G c-4f2a9b.consumer-1 quotes.us bars.1m.us", command, StringComparison.Ordinal);
    }
}
