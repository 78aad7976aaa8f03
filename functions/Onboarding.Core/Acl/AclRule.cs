namespace Onboarding.Core.Acl;

public enum AclResourceType
{
    Topic,
    Group,
    Cluster,
    TransactionalId,
    DelegationToken,
    User,
}

public enum AclPatternType
{
    Literal,
    Prefixed,
}

public enum AclOperation
{
    All,
    Read,
    Write,
    Create,
    Delete,
    Alter,
    Describe,
    ClusterAction,
    DescribeConfigs,
    AlterConfigs,
    IdempotentWrite,
}

public enum AclPermission
{
    Allow,
    Deny,
}

/// <summary>
/// One Kafka ACL binding, in our own terms (the adapter maps it to Confluent.Kafka's). Host is always <c>*</c> for
/// rules we write; rules read back from a cluster keep whatever host they have.
/// </summary>
public sealed record AclRule(
    string Principal,
    AclResourceType ResourceType,
    string ResourceName,
    AclPatternType PatternType,
    AclOperation Operation,
    AclPermission Permission = AclPermission.Allow,
    string Host = "*")
{
    public override string ToString() =>
        $"{Permission} {Principal} {Operation} on {ResourceType} {PatternType.ToString().ToUpperInvariant()} '{ResourceName}' from {Host}";
}

/// <summary>What to change on the cluster: exactly these additions and removals, nothing else.</summary>
public sealed record AclChange(IReadOnlyList<AclRule> Additions, IReadOnlyList<AclRule> Removals)
{
    public static AclChange None { get; } = new([], []);

    public bool IsEmpty => Additions.Count == 0 && Removals.Count == 0;
}
