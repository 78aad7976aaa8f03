using Onboarding.Core.Acl;
using Onboarding.Core.Certificates;

namespace Onboarding.Api.Onboarding;

/// <summary>
/// The local stack's stand-in for the cluster's ACLs (<c>KAFKA_ACLS=in-memory</c>): librdkafka's mock cluster has
/// no ACL API, so the plan is kept in memory and logged rule by rule. Refused under Lambda, where ACLs must be real.
/// </summary>
internal sealed partial class InMemoryKafkaAclWriter(ILogger<InMemoryKafkaAclWriter> logger) : IKafkaAclWriter
{
    public const string Variable = "KAFKA_ACLS";
    public const string Value = "in-memory";

    private readonly Lock gate = new();
    private readonly HashSet<AclRule> rules = [];

    public Task<IReadOnlyList<AclRule>> DescribeAsync(KafkaPrincipal principal, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            return Task.FromResult<IReadOnlyList<AclRule>>([.. rules.Where(r => r.Principal == principal.Value)]);
        }
    }

    public Task ApplyAsync(AclChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (gate)
        {
            foreach (var rule in change.Additions)
            {
                rules.Add(rule);
                Added(logger, rule.ToString());
            }

            foreach (var rule in change.Removals)
            {
                rules.Remove(rule);
                Removed(logger, rule.ToString());
            }
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(LogLevel.Information, "Local ACL added (not enforced by the mock cluster): {Rule}")]
    private static partial void Added(ILogger logger, string rule);

    [LoggerMessage(LogLevel.Information, "Local ACL removed: {Rule}")]
    private static partial void Removed(ILogger logger, string rule);
}
