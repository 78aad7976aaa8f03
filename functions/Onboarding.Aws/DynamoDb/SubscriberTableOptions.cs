namespace Onboarding.Aws.DynamoDb;

/// <summary>Names of the DynamoDB tables holding subscribers, entitlements and onboarding state.</summary>
public sealed class SubscriberTableOptions
{
    public const string SectionName = "DynamoDb";

    /// <summary>Environment variable (set by template.yaml) naming <see cref="SubscribersTable"/>.</summary>
    public const string SubscribersTableVariable = "SUBSCRIBERS_TABLE";

    /// <summary>Environment variable (set by template.yaml) naming <see cref="OnboardingTable"/>.</summary>
    public const string OnboardingTableVariable = "ONBOARDING_TABLE";

    /// <summary>Profiles and entitlement snapshots: pk <c>CUSTOMER#&lt;id&gt;</c>, sk <c>PROFILE</c> or <c>ENTITLEMENTS</c>.</summary>
    public string SubscribersTable { get; set; } = string.Empty;

    /// <summary>Onboarding state machine: pk <c>CUSTOMER#&lt;id&gt;</c>; TTL attribute <c>ttl</c>.</summary>
    public string OnboardingTable { get; set; } = string.Empty;

    /// <summary>Reads both names from the environment variables; throws naming any that is missing.</summary>
    public static SubscriberTableOptions FromEnvironment(Func<string, string?>? read = null)
    {
        read ??= Environment.GetEnvironmentVariable;
        var options = new SubscriberTableOptions
        {
            SubscribersTable = read(SubscribersTableVariable) ?? string.Empty,
            OnboardingTable = read(OnboardingTableVariable) ?? string.Empty,
        };
        options.Validate();
        return options;
    }

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(SubscribersTable))
        {
            throw new InvalidOperationException($"The subscribers table name is not configured (set {SubscribersTableVariable}).");
        }

        if (string.IsNullOrWhiteSpace(OnboardingTable))
        {
            throw new InvalidOperationException($"The onboarding table name is not configured (set {OnboardingTableVariable}).");
        }
    }
}
