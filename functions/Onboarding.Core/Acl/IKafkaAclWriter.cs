using Onboarding.Core.Certificates;

namespace Onboarding.Core.Acl;

/// <summary>Reads and changes the Kafka ACLs of one principal on the cluster.</summary>
public interface IKafkaAclWriter
{
    /// <summary>Every ACL binding of <paramref name="principal"/> on the cluster, whatever its resource or operation.</summary>
    Task<IReadOnlyList<AclRule>> DescribeAsync(KafkaPrincipal principal, CancellationToken cancellationToken = default);

    /// <summary>Creates <see cref="AclChange.Additions"/>, then deletes exactly <see cref="AclChange.Removals"/>.</summary>
    /// <exception cref="AclWriteException">Part or all of the change failed; the exception says which rules.</exception>
    Task ApplyAsync(AclChange change, CancellationToken cancellationToken = default);
}

/// <summary>One rule the cluster refused, and its reason.</summary>
public sealed record AclFailure(AclRule Rule, string Reason);

/// <summary>
/// An ACL change that did not fully apply. <see cref="Applied"/> did take effect; <see cref="Failed"/> did not (or is
/// unknown, when the cluster could not be reached). Retrying <see cref="AclSync.SyncAsync"/> re-reads the cluster and
/// applies only what is still missing.
/// </summary>
public sealed class AclWriteException(string message, IReadOnlyList<AclRule> applied, IReadOnlyList<AclFailure> failed, Exception? inner = null)
    : Exception(message, inner)
{
    public IReadOnlyList<AclRule> Applied { get; } = applied;

    public IReadOnlyList<AclFailure> Failed { get; } = failed;
}

/// <summary>Brings a principal's ACLs to the plan: read, diff, apply the difference. Safe to repeat.</summary>
public static class AclSync
{
    public static async Task<AclChange> SyncAsync(this IKafkaAclWriter writer, KafkaPrincipal principal, IReadOnlySet<AclRule> desired, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var current = await writer.DescribeAsync(principal, cancellationToken);
        var change = AclPlan.Diff(principal, current, desired);
        if (!change.IsEmpty)
        {
            await writer.ApplyAsync(change, cancellationToken);
        }

        return change;
    }

    /// <summary>Removes every ACL of the principal (subscription ended).</summary>
    public static Task<AclChange> RevokeAsync(this IKafkaAclWriter writer, KafkaPrincipal principal, CancellationToken cancellationToken = default) =>
        SyncAsync(writer, principal, new HashSet<AclRule>(), cancellationToken);
}
