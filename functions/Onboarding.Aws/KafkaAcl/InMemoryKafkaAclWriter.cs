using Onboarding.Core.Acl;
using Onboarding.Core.Certificates;

namespace Onboarding.Aws.KafkaAcl;

/// <summary>
/// The local stack's stand-in for the cluster's ACLs (<c>KAFKA_ACLS=in-memory</c>): librdkafka's mock cluster has
/// no ACL API, so each process keeps its plan in memory and reports every rule it adds or removes. Refused under
/// AWS Lambda, where the ACLs must be real.
/// </summary>
public sealed class InMemoryKafkaAclWriter(Action<string> report) : IKafkaAclWriter
{
    public const string Variable = "KAFKA_ACLS";
    public const string Value = "in-memory";

    private readonly Lock gate = new();
    private readonly HashSet<AclRule> rules = [];

    /// <summary>True when the local stack asked for in-memory ACLs; throws if that is asked for inside Lambda.</summary>
    public static bool IsRequested(Func<string, string?> variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        if (variable(Variable) != Value)
        {
            return false;
        }

        // LAMBDA_TASK_ROOT is set by AWS Lambda for every runtime, and not by the local stack's Runtime API emulator.
        return variable("LAMBDA_TASK_ROOT") is { Length: > 0 }
            ? throw new InvalidOperationException($"{Variable}={Value} is for the local stack only; on AWS the ACLs must be written to MSK.")
            : true;
    }

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
                report($"Local ACL added (the mock cluster enforces none): {rule}");
            }

            foreach (var rule in change.Removals)
            {
                rules.Remove(rule);
                report($"Local ACL removed: {rule}");
            }
        }

        return Task.CompletedTask;
    }
}
