using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Onboarding.LocalServers;

namespace Onboarding.IntegrationTests.Fixtures;

/// <summary>One moto_server for the whole <see cref="MotoCollection"/>; tests reset it before they start.</summary>
public sealed class MotoFixture : IAsyncLifetime
{
    private MotoServer? server;

    public const string Region = "us-east-1";

    public static AWSCredentials Credentials { get; } = new BasicAWSCredentials("testing", "testing");

    public Uri Endpoint => (server ?? throw new InvalidOperationException("moto_server is not running.")).Endpoint;

    public async Task InitializeAsync() => server = await MotoServer.StartAsync();

    public Task ResetAsync() => server!.ResetAsync();

    /// <summary>A DynamoDB client for this moto_server (the tests' credentials and region).</summary>
    public AmazonDynamoDBClient NewDynamoDbClient() =>
        new(Credentials, new AmazonDynamoDBConfig { ServiceURL = Endpoint.ToString(), AuthenticationRegion = Region });

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class MotoCollection : ICollectionFixture<MotoFixture>
{
    public const string Name = "moto";
}
