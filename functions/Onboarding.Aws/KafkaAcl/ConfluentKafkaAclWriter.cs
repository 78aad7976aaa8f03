using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Onboarding.Core.Acl;
using Onboarding.Core.Certificates;
using KafkaAclOperation = Confluent.Kafka.Admin.AclOperation;
using OurAclOperation = Onboarding.Core.Acl.AclOperation;

namespace Onboarding.Aws.KafkaAcl;

/// <summary>
/// Writes subscriber ACLs through Confluent.Kafka's admin client (CreateAcls, DeleteAcls, DescribeAcls). Deletions
/// use one exact filter per rule (principal, host, operation, permission, resource type, name and pattern type all
/// fixed), so they can never match another principal's binding.
/// </summary>
/// <remarks>
/// Only the mapping and the failure handling are tested here (against a fake admin client): librdkafka's mock cluster
/// has no ACL API, so how the brokers enforce these ACLs is verified only on MSK.
/// </remarks>
public sealed class ConfluentKafkaAclWriter(IAdminClient admin, TimeSpan? requestTimeout = null) : IKafkaAclWriter
{
    private readonly TimeSpan timeout = requestTimeout ?? TimeSpan.FromSeconds(15);

    public async Task<IReadOnlyList<AclRule>> DescribeAsync(KafkaPrincipal principal, CancellationToken cancellationToken = default)
    {
        var filter = new AclBindingFilter
        {
            PatternFilter = new ResourcePatternFilter { Type = ResourceType.Any, Name = null, ResourcePatternType = ResourcePatternType.Any },
            EntryFilter = new AccessControlEntryFilter { Principal = principal.Value, Host = null, Operation = KafkaAclOperation.Any, PermissionType = AclPermissionType.Any },
        };

        DescribeAclsResult result;
        try
        {
            result = await admin.DescribeAclsAsync(filter, new DescribeAclsOptions { RequestTimeout = timeout });
        }
        catch (DescribeAclsException ex)
        {
            throw new AclWriteException($"Reading the ACLs of {principal.Value} failed: {ex.Result?.Error?.Reason ?? ex.Message}", [], [], ex);
        }
        catch (KafkaException ex)
        {
            throw new AclWriteException($"Reading the ACLs of {principal.Value} failed: {ex.Error.Reason}", [], [], ex);
        }

        return [.. (result.AclBindings ?? []).Where(b => b.Entry.Principal == principal.Value).Select(ToRule)];
    }

    public async Task ApplyAsync(AclChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        var applied = new List<AclRule>();

        if (change.Additions.Count > 0)
        {
            try
            {
                await admin.CreateAclsAsync(change.Additions.Select(ToBinding), new CreateAclsOptions { RequestTimeout = timeout });
                applied.AddRange(change.Additions);
            }
            catch (CreateAclsException ex)
            {
                // One report per binding, in request order.
                var failed = new List<AclFailure>();
                for (var i = 0; i < change.Additions.Count; i++)
                {
                    var error = i < ex.Results.Count ? ex.Results[i].Error : null;
                    if (error is { IsError: true })
                    {
                        failed.Add(new AclFailure(change.Additions[i], $"{error.Code}: {error.Reason}"));
                    }
                    else
                    {
                        applied.Add(change.Additions[i]);
                    }
                }

                failed.AddRange(change.Removals.Select(r => new AclFailure(r, "not attempted: creating ACLs failed first")));
                throw Failure("Creating", applied, failed, ex);
            }
            catch (KafkaException ex)
            {
                throw Failure("Creating", applied, [.. change.Additions.Concat(change.Removals).Select(r => new AclFailure(r, $"unknown: {ex.Error.Reason}"))], ex);
            }
        }

        if (change.Removals.Count > 0)
        {
            try
            {
                await admin.DeleteAclsAsync(change.Removals.Select(ToExactFilter), new DeleteAclsOptions { RequestTimeout = timeout });
                applied.AddRange(change.Removals);
            }
            catch (DeleteAclsException ex)
            {
                var failed = new List<AclFailure>();
                for (var i = 0; i < change.Removals.Count; i++)
                {
                    var error = i < ex.Results.Count ? ex.Results[i].Error : null;
                    if (error is { IsError: true })
                    {
                        failed.Add(new AclFailure(change.Removals[i], $"{error.Code}: {error.Reason}"));
                    }
                    else
                    {
                        applied.Add(change.Removals[i]);
                    }
                }

                throw Failure("Deleting", applied, failed, ex);
            }
            catch (KafkaException ex)
            {
                throw Failure("Deleting", applied, [.. change.Removals.Select(r => new AclFailure(r, $"unknown: {ex.Error.Reason}"))], ex);
            }
        }
    }

    private static AclWriteException Failure(string what, List<AclRule> applied, List<AclFailure> failed, Exception inner) =>
        new(
            $"{what} Kafka ACLs failed for {failed.Count} of {failed.Count + applied.Count} rules ({applied.Count} applied). " +
            $"First failure: {failed.FirstOrDefault()?.Rule} — {failed.FirstOrDefault()?.Reason}. Retrying applies only what is missing.",
            applied,
            failed,
            inner);

    public static AclBinding ToBinding(AclRule rule) => new()
    {
        Pattern = new ResourcePattern { Type = ToKafka(rule.ResourceType), Name = rule.ResourceName, ResourcePatternType = ToKafka(rule.PatternType) },
        Entry = new AccessControlEntry { Principal = rule.Principal, Host = rule.Host, Operation = ToKafka(rule.Operation), PermissionType = ToKafka(rule.Permission) },
    };

    public static AclBindingFilter ToExactFilter(AclRule rule) => new()
    {
        PatternFilter = new ResourcePatternFilter { Type = ToKafka(rule.ResourceType), Name = rule.ResourceName, ResourcePatternType = ToKafka(rule.PatternType) },
        EntryFilter = new AccessControlEntryFilter { Principal = rule.Principal, Host = rule.Host, Operation = ToKafka(rule.Operation), PermissionType = ToKafka(rule.Permission) },
    };

    public static AclRule ToRule(AclBinding binding) => new(
        binding.Entry.Principal,
        binding.Pattern.Type switch
        {
            ResourceType.Topic => AclResourceType.Topic,
            ResourceType.Group => AclResourceType.Group,
            ResourceType.Broker => AclResourceType.Cluster,
            var other => throw Unmanaged("resource type", other, binding),
        },
        binding.Pattern.Name,
        binding.Pattern.ResourcePatternType switch
        {
            ResourcePatternType.Literal => AclPatternType.Literal,
            ResourcePatternType.Prefixed => AclPatternType.Prefixed,
            var other => throw Unmanaged("pattern type", other, binding),
        },
        binding.Entry.Operation switch
        {
            KafkaAclOperation.All => OurAclOperation.All,
            KafkaAclOperation.Read => OurAclOperation.Read,
            KafkaAclOperation.Write => OurAclOperation.Write,
            KafkaAclOperation.Create => OurAclOperation.Create,
            KafkaAclOperation.Delete => OurAclOperation.Delete,
            KafkaAclOperation.Alter => OurAclOperation.Alter,
            KafkaAclOperation.Describe => OurAclOperation.Describe,
            KafkaAclOperation.ClusterAction => OurAclOperation.ClusterAction,
            KafkaAclOperation.DescribeConfigs => OurAclOperation.DescribeConfigs,
            KafkaAclOperation.AlterConfigs => OurAclOperation.AlterConfigs,
            KafkaAclOperation.IdempotentWrite => OurAclOperation.IdempotentWrite,
            var other => throw Unmanaged("operation", other, binding),
        },
        binding.Entry.PermissionType switch
        {
            AclPermissionType.Allow => AclPermission.Allow,
            AclPermissionType.Deny => AclPermission.Deny,
            var other => throw Unmanaged("permission", other, binding),
        },
        binding.Entry.Host);

    private static NotSupportedException Unmanaged(string what, object value, AclBinding binding) =>
        new($"The cluster holds an ACL with {what} {value} for {binding.Entry.Principal} on '{binding.Pattern.Name}', which this writer does not manage; remove it with kafka-acls.sh.");

    private static ResourceType ToKafka(AclResourceType type) => type switch
    {
        AclResourceType.Topic => ResourceType.Topic,
        AclResourceType.Group => ResourceType.Group,
        AclResourceType.Cluster => ResourceType.Broker,
        _ => throw new NotSupportedException($"Confluent.Kafka's admin API has no resource type for {type}."),
    };

    private static ResourcePatternType ToKafka(AclPatternType type) => type switch
    {
        AclPatternType.Literal => ResourcePatternType.Literal,
        AclPatternType.Prefixed => ResourcePatternType.Prefixed,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    private static KafkaAclOperation ToKafka(OurAclOperation operation) => operation switch
    {
        OurAclOperation.All => KafkaAclOperation.All,
        OurAclOperation.Read => KafkaAclOperation.Read,
        OurAclOperation.Write => KafkaAclOperation.Write,
        OurAclOperation.Create => KafkaAclOperation.Create,
        OurAclOperation.Delete => KafkaAclOperation.Delete,
        OurAclOperation.Alter => KafkaAclOperation.Alter,
        OurAclOperation.Describe => KafkaAclOperation.Describe,
        OurAclOperation.ClusterAction => KafkaAclOperation.ClusterAction,
        OurAclOperation.DescribeConfigs => KafkaAclOperation.DescribeConfigs,
        OurAclOperation.AlterConfigs => KafkaAclOperation.AlterConfigs,
        OurAclOperation.IdempotentWrite => KafkaAclOperation.IdempotentWrite,
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, null),
    };

    private static AclPermissionType ToKafka(AclPermission permission) => permission switch
    {
        AclPermission.Allow => AclPermissionType.Allow,
        AclPermission.Deny => AclPermissionType.Deny,
        _ => throw new ArgumentOutOfRangeException(nameof(permission), permission, null),
    };
}
