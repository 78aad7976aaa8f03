using Amazon.Runtime;

namespace Onboarding.Aws.AwsJson;

/// <summary>Settings shared by every JSON-protocol client. Unset values come from the standard AWS chains.</summary>
public sealed record AwsJsonClientOptions
{
    /// <summary>Region, e.g. "us-east-1"; when null, the SDK's region chain (AWS_REGION, profile, instance metadata).</summary>
    public string? Region { get; init; }

    /// <summary>When null, the SDK's default credential chain (<c>DefaultAWSCredentialsIdentityResolver</c>).</summary>
    public AWSCredentials? Credentials { get; init; }

    /// <summary>Explicit endpoint; wins over <c>AWS_ENDPOINT_URL_&lt;SERVICE&gt;</c> and <c>AWS_ENDPOINT_URL</c>.</summary>
    public Uri? ServiceUrl { get; init; }

    /// <summary>Attempts per call including the first; throttling, 5xx and transport failures are retried.</summary>
    public int MaxAttempts { get; init; } = DefaultMaxAttempts();

    /// <summary>Cap of one backoff delay (the SDK standard retry mode caps at 20 s).</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>How a backoff is waited; tests pass a delegate that does not sleep.</summary>
    public Func<TimeSpan, CancellationToken, Task> Delay { get; init; } = static (delay, ct) => Task.Delay(delay, ct);

    /// <summary>
    /// Called before each backoff with what failed and how long the wait is, so the caller can log or count retries
    /// with its own logger. The details hold codes and AWS's message, never a request body.
    /// </summary>
    public Action<AwsErrorDetails, TimeSpan>? OnRetry { get; init; }

    /// <summary>The clock requests are signed with.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Jitter source; fixed in tests that assert delays.</summary>
    public Func<double> Random { get; init; } = static () => System.Random.Shared.NextDouble();

    /// <summary>Reads an environment variable; replaced in tests.</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    private static int DefaultMaxAttempts() =>
        int.TryParse(System.Environment.GetEnvironmentVariable(AwsEnvironment.MaxAttempts), out var attempts) && attempts > 0 ? attempts : 3;
}
